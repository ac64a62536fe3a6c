using System.Diagnostics;
using System.Runtime.InteropServices;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>How the scorer plans and batches its model runs.</summary>
/// <param name="TokenBudget">Largest batch as rows × padded length (past included when continuing a cache); a sequence longer than this runs alone. Logits memory per batch is about budget × vocabulary × 4 bytes.</param>
/// <param name="MaxBatchRows">Most sequences in one batch.</param>
/// <param name="ShareOneTokenContexts">Share work between requests with the same context: one run of the context serves every continuation's first token, and a continuation whose tokens begin another's is read from that one's run. Off: one sequence per request.</param>
/// <param name="UseKeyValueCache">With a <see cref="IKeyValueLanguageModel"/>, run each distinct context once and each continuation after its cached keys and values.</param>
/// <param name="Workers">Batches run by this many threads at once on the same model (each model call then best single-threaded). Results do not depend on it.</param>
public sealed record LoglikelihoodScorerOptions(int TokenBudget = 1024, int MaxBatchRows = 256, bool ShareOneTokenContexts = true, bool UseKeyValueCache = true, int Workers = 1)
{
    public static LoglikelihoodScorerOptions Default { get; } = new();

    /// <summary>The engine's settings on this machine: one worker per core (with single-threaded model calls).</summary>
    public static LoglikelihoodScorerOptions ForThisMachine { get; } = new(Workers: Environment.ProcessorCount);
}

/// <summary>What a scorer has run so far, summed over its calls.</summary>
/// <param name="Requests">Requests answered.</param>
/// <param name="Sequences">Sequences sent to the model: contexts, continuations run on a cache, or whole context+continuation rows.</param>
/// <param name="Batches">Model calls.</param>
/// <param name="Tokens">Real tokens sent to the model.</param>
/// <param name="PaddedTokens">Padding slots sent to the model (a cache's padding not included).</param>
/// <param name="ModelTime">Time inside the model's forward pass, logits scoring included (summed over workers).</param>
public sealed record ScoringStatistics(long Requests, long Sequences, long Batches, long Tokens, long PaddedTokens, TimeSpan ModelTime)
{
    public static ScoringStatistics Empty { get; } = new(0, 0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Real positions whose logits (the output projection) the model computed.</summary>
    public long LogitPositions { get; init; }

    /// <summary>Σ over real tokens run of the real positions each attends to (itself and every earlier real token, cached ones included).</summary>
    public long AttentionPairs { get; init; }

    /// <summary>Real tokens per second of model time (per worker when several ran at once).</summary>
    public double TokensPerSecond => ModelTime > TimeSpan.Zero ? Tokens / ModelTime.TotalSeconds : 0;

    /// <summary>The sum of two statistics, field by field.</summary>
    public ScoringStatistics Add(ScoringStatistics other) => new(
        Requests + other.Requests, Sequences + other.Sequences, Batches + other.Batches, Tokens + other.Tokens,
        PaddedTokens + other.PaddedTokens, ModelTime + other.ModelTime)
    {
        LogitPositions = LogitPositions + other.LogitPositions,
        AttentionPairs = AttentionPairs + other.AttentionPairs,
    };
}

/// <summary>
/// Scores continuations on any <see cref="ICausalLanguageModel"/>: Σ log-softmax over the continuation's tokens, and
/// whether each was the argmax. The log-softmax is taken only at the positions that predict a continuation token, and
/// a continuation's last token is never run (nothing reads the logits after it).
/// <list type="bullet">
/// <item>With a <see cref="IKeyValueLanguageModel"/>: each distinct context runs once (batched longest first, left
/// padded); its next-token logits score every continuation's first token; the rest of each continuation runs on the
/// context's cached keys and values. Every context token and every continuation token but the last runs once.</item>
/// <item>Otherwise: requests with the same context form one tree; a continuation whose run is a prefix of another's
/// is read from that one; each remaining branch runs as context + continuation (minus its last token). One-token
/// continuations of a context all read one run of the context.</item>
/// </list>
/// Sequences are batched longest first under a token budget, right padded; with several workers, batches (a prompt
/// batch with its continuations) run concurrently on the same model. Does not own the model. One call at a time.
/// </summary>
public sealed class LoglikelihoodScorer : ILoglikelihoodScorer
{
    private readonly ICausalLanguageModel model;
    private readonly string modelFile;
    private readonly LoglikelihoodScorerOptions options;

    /// <param name="modelFile">The checkpoint file, named in errors about its logits.</param>
    public LoglikelihoodScorer(ICausalLanguageModel model, string modelFile, LoglikelihoodScorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= LoglikelihoodScorerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TokenBudget, 1, nameof(options.TokenBudget));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchRows, 1, nameof(options.MaxBatchRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Workers, 1, nameof(options.Workers));
        this.model = model;
        this.modelFile = modelFile;
        this.options = options;
    }

    public ScoringStatistics Statistics { get; private set; } = ScoringStatistics.Empty;

    /// <summary>The algorithm as results depend on it (in the last digits): names cached results.</summary>
    public string Name => NameFor(options, model is IKeyValueLanguageModel);

    /// <summary>The <see cref="Name"/> of a scorer with these options on a model with (or without) a key/value cache.</summary>
    public static string NameFor(LoglikelihoodScorerOptions options, bool keyValueModel)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UseKeyValueCache && options.ShareOneTokenContexts && keyValueModel ? "engine/kv-cache"
            : options.ShareOneTokenContexts ? "engine/shared-prefixes" : "engine/per-request";
    }

    /// <summary>True when the scorer runs continuations on cached keys and values.</summary>
    public bool UsesKeyValueCache => options.UseKeyValueCache && options.ShareOneTokenContexts && model is IKeyValueLanguageModel;

    public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        Validate(requests);
        Statistics = Statistics with { Requests = Statistics.Requests + requests.Count };
        IReadOnlyList<Action<Worker>> work = UsesKeyValueCache
            ? CacheWork((IKeyValueLanguageModel)model, PlanContexts(requests), cancellationToken)
            : SequenceWork(Plan(requests, options.ShareOneTokenContexts), cancellationToken);

        // Each continuation token's log-probability has its own slot (written once, by whichever worker reads it); the
        // sums run in token order at the end, so results do not depend on batching or on which worker ran what.
        var tokens = new TokenScores(requests);
        var workers = Enumerable.Range(0, Math.Min(options.Workers, Math.Max(1, work.Count)))
            .Select(_ => new Worker(tokens, model.VocabularySize)).ToArray();
        if (workers.Length == 1)
        {
            foreach (var item in work)
            {
                cancellationToken.ThrowIfCancellationRequested();
                item(workers[0]);
            }
        }
        else
        {
            // Longest batches first; each worker takes the next one when it is free. The first failure stops the others at
            // their next batch, and the failure of the earliest batch is rethrown as itself (not an AggregateException),
            // so a bad model gives the same one-line error however the batches fell to the workers.
            var next = -1;
            var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, Exception>();
            Parallel.ForEach(workers, new ParallelOptions { MaxDegreeOfParallelism = workers.Length, CancellationToken = cancellationToken }, worker =>
            {
                for (var i = Interlocked.Increment(ref next); i < work.Count && failures.IsEmpty; i = Interlocked.Increment(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        work[i](worker);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failures[i] = e;
                    }
                }
            });
            if (!failures.IsEmpty) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures.MinBy(f => f.Key).Value);
        }

        var results = new ContinuationScore[requests.Count];
        for (var i = 0; i < results.Length; i++) results[i] = tokens.Result(i);
        var stats = Statistics;
        foreach (var worker in workers) stats = stats.Add(worker.Statistics);
        Statistics = stats;
        return results;
    }

    /// <summary>
    /// Requests grouped by context (first-seen order). Each context's first-token targets, and its branches: the
    /// continuations' tokens but the last, with each continuation read from the longest branch it begins.
    /// </summary>
    internal static IReadOnlyList<ContextPlan> PlanContexts(IReadOnlyList<TokenizedRequest> requests)
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
    /// The sequences to run, longest first (ties in plan order). Shared: one per context branch (context + branch
    /// tokens), or the context alone when all its continuations are one token. Not shared: one per request.
    /// </summary>
    internal static IReadOnlyList<ScoringSequence> Plan(IReadOnlyList<TokenizedRequest> requests, bool shareOneTokenContexts)
    {
        var planned = new List<ScoringSequence>();
        if (!shareOneTokenContexts)
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

    /// <summary>One work item per batch of sequences, longest first under the token budget.</summary>
    private List<Action<Worker>> SequenceWork(IReadOnlyList<ScoringSequence> sequences, CancellationToken cancellationToken)
    {
        var work = new List<Action<Worker>>();
        var vocabulary = model.VocabularySize;
        var budget = BatchBudget(sequences.Sum(s => (long)s.Tokens.Length));
        for (var start = 0; start < sequences.Count;)
        {
            var first = start;
            var paddedLength = sequences[first].Tokens.Length;
            var rows = RowsUnderBudget(sequences.Count - first, paddedLength, budget);
            work.Add(worker =>
            {
                var watch = Stopwatch.StartNew();
                var (tokens, lengths, real, pairs) = Pack(rows, paddedLength, row => sequences[first + row].Tokens, _ => 0);
                model.Forward(tokens, lengths, paddedLength, logits =>
                {
                    CheckLength(logits, (long)rows * paddedLength * vocabulary, rows, paddedLength);
                    for (var row = 0; row < rows; row++)
                    {
                        foreach (var target in sequences[first + row].Targets)
                        {
                            Read(worker, logits, ((long)row * paddedLength + target.Position) * vocabulary, target, row, target.Position, rows, paddedLength);
                        }
                    }
                }, cancellationToken);
                worker.Count(rows, real, (long)rows * paddedLength - real, logitPositions: real, pairs, watch.Elapsed);
            });
            start += rows;
        }
        return work;
    }

    /// <summary>One work item per batch of contexts, longest first: their prefill, then their continuations on its cache.</summary>
    private List<Action<Worker>> CacheWork(IKeyValueLanguageModel cached, IReadOnlyList<ContextPlan> plans, CancellationToken cancellationToken)
    {
        var contexts = plans.OrderByDescending(p => p.Context.Length).ToList();
        var work = new List<Action<Worker>>();
        var vocabulary = model.VocabularySize;
        var budget = BatchBudget(contexts.Sum(c => (long)c.Context.Length));
        for (var start = 0; start < contexts.Count;)
        {
            var first = start;
            var paddedLength = contexts[first].Context.Length;
            var rows = RowsUnderBudget(contexts.Count - first, paddedLength, budget);
            work.Add(worker =>
            {
                var watch = Stopwatch.StartNew();
                var (tokens, lengths, real, pairs) = Pack(rows, paddedLength, row => contexts[first + row].Context, _ => 0);
                using var cache = cached.Prefill(tokens, lengths, paddedLength, logits =>
                {
                    CheckLength(logits, (long)rows * vocabulary, rows, 1);
                    for (var row = 0; row < rows; row++)
                    {
                        foreach (var target in contexts[first + row].Next)
                        {
                            Read(worker, logits, (long)row * vocabulary, target, row, lengths[row] - 1, rows, paddedLength);
                        }
                    }
                }, cancellationToken);
                worker.Count(rows, real, (long)rows * paddedLength - real, cached.PrefillComputesLastLogitsOnly ? rows : real, pairs, watch.Elapsed);

                var tails = new List<(int Row, Branch Branch)>();
                for (var row = 0; row < rows; row++)
                {
                    foreach (var branch in contexts[first + row].Branches) tails.Add((row, branch));
                }
                ScoreTails(worker, cached, cache, [.. tails.OrderByDescending(t => t.Branch.Tokens.Length)], lengths, cancellationToken);
            });
            start += rows;
        }
        return work;
    }

    /// <summary>Runs context branches on the prefilled cache, longest first, under the token budget (cached length included).</summary>
    private void ScoreTails(Worker worker, IKeyValueLanguageModel cached, IKeyValueCache cache, List<(int Row, Branch Branch)> tails, int[] contextLengths,
        CancellationToken cancellationToken)
    {
        var vocabulary = model.VocabularySize;
        var start = 0;
        while (start < tails.Count)
        {
            var paddedLength = tails[start].Branch.Tokens.Length;
            var rows = 1;
            while (start + rows < tails.Count && rows < options.MaxBatchRows
                && (long)(rows + 1) * (cache.Length + paddedLength) <= options.TokenBudget)
            {
                rows++;
            }
            var first = start;
            var watch = Stopwatch.StartNew();
            var (tokens, lengths, real, pairs) = Pack(rows, paddedLength, row => tails[first + row].Branch.Tokens, row => contextLengths[tails[first + row].Row]);
            var cacheRows = new int[rows];
            for (var row = 0; row < rows; row++) cacheRows[row] = tails[first + row].Row;
            cached.Extend(cache, cacheRows, tokens, lengths, paddedLength, logits =>
            {
                CheckLength(logits, (long)rows * paddedLength * vocabulary, rows, paddedLength);
                for (var row = 0; row < rows; row++)
                {
                    foreach (var target in tails[first + row].Branch.Targets)
                    {
                        Read(worker, logits, ((long)row * paddedLength + target.Position) * vocabulary, target, row, target.Position, rows, paddedLength);
                    }
                }
            }, cancellationToken);
            worker.Count(rows, real, (long)rows * paddedLength - real, logitPositions: real, pairs, watch.Elapsed);
            start += rows;
        }
    }

    private int RowsUnderBudget(int available, int paddedLength, int budget)
    {
        var rows = 1;
        while (rows < available && rows < options.MaxBatchRows && (long)(rows + 1) * paddedLength <= budget) rows++;
        return rows;
    }

    /// <summary>The token budget, lowered so that several workers get a few batches each (at least 64 tokens per batch).</summary>
    private int BatchBudget(long totalTokens) =>
        options.Workers == 1 ? options.TokenBudget : (int)Math.Min(options.TokenBudget, Math.Max(64, totalTokens / (4 * options.Workers)));

    /// <summary>Right-padded ids and lengths of <paramref name="rows"/> sequences; real tokens; attention pairs given each row's cached length.</summary>
    private static (long[] Tokens, int[] Lengths, long Real, long Pairs) Pack(int rows, int paddedLength, Func<int, int[]> sequence, Func<int, int> cachedLength)
    {
        var tokens = new long[rows * paddedLength];
        var lengths = new int[rows];
        long real = 0, pairs = 0;
        for (var row = 0; row < rows; row++)
        {
            var source = sequence(row);
            lengths[row] = source.Length;
            real += source.Length;
            long n = source.Length, past = cachedLength(row);
            pairs += n * past + n * (n + 1) / 2;
            var destination = tokens.AsSpan(row * paddedLength, source.Length);
            for (var t = 0; t < source.Length; t++) destination[t] = source[t];
        }
        return (tokens, lengths, real, pairs);
    }

    private void Read(Worker worker, ReadOnlySpan<float> logits, long offset, ScoringTarget target, int row, int position, int rows, int paddedLength)
    {
        var vocabulary = model.VocabularySize;
        if (!LogSoftmax.TryAt(logits.Slice((int)offset, vocabulary), target.Token, worker.Scratch, out var logProbability, out var isArgmax))
        {
            throw NonFiniteLogits(modelFile, row, position, rows, paddedLength);
        }
        worker.Tokens.Set(target, logProbability, isArgmax);
    }

    private static void CheckLength(ReadOnlySpan<float> logits, long expected, int rows, int positions)
    {
        if (logits.Length != expected)
        {
            throw new InvalidOperationException(
                $"the model returned {logits.Length} logits for a [{rows}, {positions}] batch; expected {expected}");
        }
    }

    /// <summary>One thread's share of a call: its scratch and its counts; it writes token scores into the shared slots.</summary>
    private sealed class Worker(TokenScores tokens, int vocabulary)
    {
        public TokenScores Tokens => tokens;
        public double[] Scratch { get; } = new double[vocabulary];
        public ScoringStatistics Statistics { get; private set; } = ScoringStatistics.Empty;

        public void Count(int rows, long real, long padded, long logitPositions, long pairs, TimeSpan elapsed) => Statistics = Statistics.Add(
            new ScoringStatistics(0, rows, 1, real, padded, elapsed) { LogitPositions = logitPositions, AttentionPairs = pairs });
    }

    internal static BenchmarkInputException NonFiniteLogits(string file, int row, int position, int rows, int paddedLength) => new(
        file,
        $"the model produced NaN or infinite logits at batch row {row}, position {position} of a [{rows}, {paddedLength}] batch",
        "check the export (fp16 overflow, a broken weight file); re-export the checkpoint in float32 and validate it against the framework's logits");

    private void Validate(IReadOnlyList<TokenizedRequest> requests)
    {
        var vocabulary = model.VocabularySize;
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            ArgumentNullException.ThrowIfNull(request, $"requests[{r}]");
            if (request.Context.Length == 0)
            {
                throw new ArgumentException($"request {r} has an empty context; the request builder must put a BOS/EOS token before an empty context", nameof(requests));
            }
            if (request.Continuation.Length == 0)
            {
                throw new ArgumentException($"request {r} has an empty continuation; there is nothing to score", nameof(requests));
            }
            if (request.Length > model.MaxContext)
            {
                throw new ArgumentException($"request {r} has {request.Length} tokens, more than the model's context of {model.MaxContext}; the request builder must cut the context from the left", nameof(requests));
            }
            var outOfRange = IndexOutsideVocabulary(request.Context, vocabulary);
            var inContinuation = outOfRange < 0;
            if (inContinuation) outOfRange = IndexOutsideVocabulary(request.Continuation, vocabulary);
            if (outOfRange >= 0)
            {
                var part = inContinuation ? request.Continuation : request.Context;
                throw new ArgumentException(
                    $"request {r} has token id {part[outOfRange]} at {(inContinuation ? "continuation" : "context")} position {outOfRange}, outside the model's vocabulary of {vocabulary}; the tokenizer does not belong to this model",
                    nameof(requests));
            }
        }
    }

    private static int IndexOutsideVocabulary(int[] tokens, int vocabulary)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabulary) return i;
        }
        return -1;
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

/// <summary>One token to score: request <see cref="Request"/>'s continuation token <see cref="Index"/> (id <see cref="Token"/>), predicted at <see cref="Position"/>.</summary>
internal readonly record struct ScoringTarget(int Request, int Position, int Token, int Index);

/// <summary>Every continuation token's log-probability and argmax flag, by request and token; one slot per token.</summary>
internal sealed class TokenScores
{
    private readonly double[][] logProbabilities;
    private readonly bool[][] greedy;

    public TokenScores(IReadOnlyList<TokenizedRequest> requests)
    {
        logProbabilities = new double[requests.Count][];
        greedy = new bool[requests.Count][];
        for (var r = 0; r < requests.Count; r++)
        {
            // NaN until read, so that a token the plan missed could not pass for a certain one.
            logProbabilities[r] = new double[requests[r].Continuation.Length];
            Array.Fill(logProbabilities[r], double.NaN);
            greedy[r] = new bool[requests[r].Continuation.Length];
        }
    }

    public void Set(ScoringTarget target, double logProbability, bool isArgmax)
    {
        logProbabilities[target.Request][target.Index] = logProbability;
        greedy[target.Request][target.Index] = isArgmax;
    }

    /// <summary>The request's sum over its tokens in order (as the naive algorithm adds them), and whether all were the argmax.</summary>
    public ContinuationScore Result(int request)
    {
        double sum = 0;
        var allGreedy = true;
        for (var j = 0; j < logProbabilities[request].Length; j++)
        {
            sum += logProbabilities[request][j];
            allGreedy &= greedy[request][j];
        }
        return new ContinuationScore(sum, allGreedy);
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

