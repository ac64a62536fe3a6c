using System.Runtime.InteropServices;
using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// Plans the model runs for a list of requests: which requests share a context, which continuation is read from
/// another's run, and the batches (longest first, under the token budget) the runs go in. Pure: the same requests and
/// options give the same plan.
/// </summary>
internal static class ScoringPlanner
{
    /// <summary>
    /// Requests grouped by context (first-seen order). Each context's first-token targets, and its branches: the
    /// continuations' tokens but the last, with each continuation read from the longest branch it begins.
    /// </summary>
    public static IReadOnlyList<ContextPlan> PlanContexts(IReadOnlyList<TokenizedRequest> requests)
    {
        var plans = new List<ContextPlan>();
        var byContext = new Dictionary<int[], ContextPlan>(TokenSequenceComparer.Instance);
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            if (!byContext.TryGetValue(request.Context, out var plan))
            {
                plan = new ContextPlan(request.Context, [], []);
                byContext.Add(request.Context, plan);
                plans.Add(plan);
            }
            var continuation = request.Continuation;
            plan.Next.Add(new ScoringTarget(r, request.Context.Length - 1, continuation[0], 0));
            if (continuation.Length == 1) continue;
            var targets = new List<ScoringTarget>(continuation.Length - 1);
            for (var j = 1; j < continuation.Length; j++) targets.Add(new ScoringTarget(r, j - 1, continuation[j], j));
            plan.Branches.Add(new Branch(continuation[..^1], targets));
        }
        foreach (var plan in plans) MergePrefixes(plan.Branches);
        return plans;
    }

    /// <summary>
    /// The whole sequences to run, longest first (ties in plan order). Shared: one per context branch (context + branch
    /// tokens), or the context alone when all its continuations are one token. Not shared: one per request.
    /// </summary>
    public static IReadOnlyList<ScoringSequence> PlanSequences(IReadOnlyList<TokenizedRequest> requests, bool shareContexts)
    {
        var planned = new List<ScoringSequence>();
        if (!shareContexts)
        {
            for (var r = 0; r < requests.Count; r++)
            {
                var request = requests[r];
                var tokens = Concat(request.Context, request.Continuation.AsSpan(0, request.Continuation.Length - 1));
                var own = new ScoringTarget[request.Continuation.Length];
                for (var j = 0; j < own.Length; j++) own[j] = new ScoringTarget(r, request.Context.Length - 1 + j, request.Continuation[j], j);
                planned.Add(new ScoringSequence(tokens, own));
            }
        }
        else
        {
            foreach (var context in PlanContexts(requests))
            {
                var offset = context.Context.Length;
                if (context.Branches.Count == 0)
                {
                    planned.Add(new ScoringSequence(context.Context, context.Next));
                    continue;
                }
                for (var b = 0; b < context.Branches.Count; b++)
                {
                    var branch = context.Branches[b];
                    var targets = new List<ScoringTarget>(branch.Targets.Count + (b == 0 ? context.Next.Count : 0));
                    if (b == 0) targets.AddRange(context.Next);
                    foreach (var t in branch.Targets) targets.Add(t with { Position = offset + t.Position });
                    planned.Add(new ScoringSequence(Concat(context.Context, branch.Tokens), targets));
                }
            }
        }
        return planned.OrderByDescending(s => s.Tokens.Length).ToList();
    }

    /// <summary>Sequences (longest first) in batches under the budget.</summary>
    public static IReadOnlyList<SequenceBatch> SequenceBatches(IReadOnlyList<ScoringSequence> sequences, LoglikelihoodScorerOptions options)
    {
        var batches = new List<SequenceBatch>();
        var budget = BatchBudget(sequences.Sum(s => (long)s.Tokens.Length), options);
        for (var first = 0; first < sequences.Count;)
        {
            var paddedLength = sequences[first].Tokens.Length;
            var rows = RowsUnderBudget(sequences.Count - first, paddedLength, budget, options.MaxBatchRows);
            batches.Add(new SequenceBatch(Slice(sequences, first, rows), paddedLength));
            first += rows;
        }
        return batches;
    }

    /// <summary>
    /// Contexts batched longest first under the budget, each batch with its branches: run on the batch's cache, longest
    /// first, in batches whose rows count the cached length against the (unlowered) token budget.
    /// </summary>
    public static IReadOnlyList<PromptBatch> PromptBatches(IReadOnlyList<ContextPlan> plans, LoglikelihoodScorerOptions options)
    {
        var contexts = plans.OrderByDescending(p => p.Context.Length).ToList();
        var batches = new List<PromptBatch>();
        var budget = BatchBudget(contexts.Sum(c => (long)c.Context.Length), options);
        for (var first = 0; first < contexts.Count;)
        {
            var paddedLength = contexts[first].Context.Length;
            var rows = RowsUnderBudget(contexts.Count - first, paddedLength, budget, options.MaxBatchRows);
            var batch = Slice(contexts, first, rows);
            var tails = new List<Tail>();
            for (var row = 0; row < rows; row++)
            {
                foreach (var branch in batch[row].Branches) tails.Add(new Tail(row, branch));
            }
            batches.Add(new PromptBatch(batch, paddedLength, TailBatches([.. tails.OrderByDescending(t => t.Branch.Tokens.Length)], paddedLength, options)));
            first += rows;
        }
        return batches;
    }

    private static IReadOnlyList<TailBatch> TailBatches(List<Tail> tails, int cacheLength, LoglikelihoodScorerOptions options)
    {
        var batches = new List<TailBatch>();
        for (var first = 0; first < tails.Count;)
        {
            var paddedLength = tails[first].Branch.Tokens.Length;
            var rows = 1;
            while (first + rows < tails.Count && rows < options.MaxBatchRows && (long)(rows + 1) * (cacheLength + paddedLength) <= options.TokenBudget) rows++;
            batches.Add(new TailBatch(Slice(tails, first, rows), paddedLength));
            first += rows;
        }
        return batches;
    }

    private static int RowsUnderBudget(int available, int paddedLength, int budget, int maxRows)
    {
        var rows = 1;
        while (rows < available && rows < maxRows && (long)(rows + 1) * paddedLength <= budget) rows++;
        return rows;
    }

    /// <summary>The token budget, lowered so that several workers get a few batches each (at least 64 tokens per batch).</summary>
    private static int BatchBudget(long totalTokens, LoglikelihoodScorerOptions options) =>
        options.Workers == 1 ? options.TokenBudget : (int)Math.Min(options.TokenBudget, Math.Max(64, totalTokens / (4 * options.Workers)));

    /// <summary>Folds every branch whose tokens begin a longer branch's into that branch (its targets sit at the same positions).</summary>
    private static void MergePrefixes(List<Branch> branches)
    {
        if (branches.Count < 2) return;
        var ordered = branches.OrderByDescending(b => b.Tokens.Length).ToList();
        branches.Clear();
        foreach (var branch in ordered)
        {
            var host = branches.Find(kept => kept.Tokens.AsSpan().StartsWith(branch.Tokens));
            if (host is null) branches.Add(branch);
            else host.Targets.AddRange(branch.Targets);
        }
    }

    private static int[] Concat(int[] first, ReadOnlySpan<int> second)
    {
        if (second.IsEmpty) return first;
        var tokens = new int[first.Length + second.Length];
        first.CopyTo(tokens, 0);
        second.CopyTo(tokens.AsSpan(first.Length));
        return tokens;
    }

    private static T[] Slice<T>(IReadOnlyList<T> items, int first, int count)
    {
        var slice = new T[count];
        for (var i = 0; i < count; i++) slice[i] = items[first + i];
        return slice;
    }

    private sealed class TokenSequenceComparer : IEqualityComparer<int[]>
    {
        public static TokenSequenceComparer Instance { get; } = new();

        public bool Equals(int[]? x, int[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(int[] tokens)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(tokens.AsSpan()));
            return hash.ToHashCode();
        }
    }
}

/// <summary>A token sequence sent to the model and the targets read from its logits.</summary>
internal sealed record ScoringSequence(int[] Tokens, IReadOnlyList<ScoringTarget> Targets);

/// <summary>
/// The requests of one context: <see cref="Next"/> reads each continuation's first token after the context;
/// <see cref="Branches"/> run after it, each target's position counted from the branch's start.
/// </summary>
internal sealed record ContextPlan(int[] Context, List<ScoringTarget> Next, List<Branch> Branches);

/// <summary>Tokens that follow a context (a continuation without its last token) and the targets read from their logits.</summary>
internal sealed record Branch(int[] Tokens, List<ScoringTarget> Targets);

/// <summary>One model call over whole sequences, right-padded to <see cref="PaddedLength"/> (the first, longest).</summary>
internal sealed record SequenceBatch(IReadOnlyList<ScoringSequence> Sequences, int PaddedLength);

/// <summary>One prefill of contexts padded to <see cref="PaddedLength"/>, and the batches of branches run on its cache.</summary>
internal sealed record PromptBatch(IReadOnlyList<ContextPlan> Contexts, int PaddedLength, IReadOnlyList<TailBatch> Tails);

/// <summary>A branch run after row <see cref="CacheRow"/> of its prompt batch's cache.</summary>
internal readonly record struct Tail(int CacheRow, Branch Branch);

/// <summary>One model call continuing cache rows with branches, right-padded to <see cref="PaddedLength"/>.</summary>
internal sealed record TailBatch(IReadOnlyList<Tail> Tails, int PaddedLength);
