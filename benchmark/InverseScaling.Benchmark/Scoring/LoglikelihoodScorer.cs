using System.Diagnostics;
using System.Runtime.InteropServices;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>How the scorer batches sequences.</summary>
/// <param name="TokenBudget">Largest batch as rows × padded length; a sequence longer than this runs alone. Logits memory per batch is about budget × vocabulary × 4 bytes.</param>
/// <param name="MaxBatchRows">Most sequences in one batch.</param>
/// <param name="ShareOneTokenContexts">Serve one-token continuations of the same context from one run of the context alone.</param>
public sealed record LoglikelihoodScorerOptions(int TokenBudget = 8192, int MaxBatchRows = 256, bool ShareOneTokenContexts = true)
{
    public static LoglikelihoodScorerOptions Default { get; } = new();
}

/// <summary>What a scorer has run so far, summed over its calls.</summary>
/// <param name="Requests">Requests answered.</param>
/// <param name="Sequences">Sequences sent to the model (shared single-token contexts count once).</param>
/// <param name="Batches">Model calls.</param>
/// <param name="Tokens">Real tokens sent to the model.</param>
/// <param name="PaddedTokens">Padding slots sent to the model.</param>
/// <param name="ModelTime">Time inside the model's forward pass, logits scoring included.</param>
public sealed record ScoringStatistics(long Requests, long Sequences, long Batches, long Tokens, long PaddedTokens, TimeSpan ModelTime)
{
    public static ScoringStatistics Empty { get; } = new(0, 0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Real tokens per second of model time.</summary>
    public double TokensPerSecond => ModelTime > TimeSpan.Zero ? Tokens / ModelTime.TotalSeconds : 0;
}

/// <summary>
/// Scores continuations on any <see cref="ICausalLanguageModel"/>: Σ log-softmax over the continuation's tokens, and
/// whether each was the argmax. Requests sharing a context with one-token continuations share one sequence (the
/// context); the others run as context+continuation. Sequences are batched longest first under a token budget, right
/// padded. Does not own the model. Not thread-safe.
/// </summary>
public sealed class LoglikelihoodScorer : ILoglikelihoodScorer
{
    private readonly ICausalLanguageModel model;
    private readonly string modelFile;
    private readonly LoglikelihoodScorerOptions options;
    private readonly double[] scratch;

    /// <param name="modelFile">The checkpoint file, named in errors about its logits.</param>
    public LoglikelihoodScorer(ICausalLanguageModel model, string modelFile, LoglikelihoodScorerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= LoglikelihoodScorerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TokenBudget, 1, nameof(options.TokenBudget));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchRows, 1, nameof(options.MaxBatchRows));
        this.model = model;
        this.modelFile = modelFile;
        this.options = options;
        scratch = new double[model.VocabularySize];
    }

    public ScoringStatistics Statistics { get; private set; } = ScoringStatistics.Empty;

    public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        Validate(requests);
        var sequences = Plan(requests, options.ShareOneTokenContexts);

        var logProbabilities = new double[requests.Count];
        var greedy = new bool[requests.Count];
        Array.Fill(greedy, true);

        var stats = Statistics with { Requests = Statistics.Requests + requests.Count };
        var start = 0;
        while (start < sequences.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var paddedLength = sequences[start].Tokens.Length;
            var rows = 1;
            while (start + rows < sequences.Count
                && rows < options.MaxBatchRows
                && (long)(rows + 1) * paddedLength <= options.TokenBudget)
            {
                rows++;
            }

            var watch = Stopwatch.StartNew();
            var realTokens = RunBatch(sequences, start, rows, paddedLength, logProbabilities, greedy, cancellationToken);
            stats = stats with
            {
                Sequences = stats.Sequences + rows,
                Batches = stats.Batches + 1,
                Tokens = stats.Tokens + realTokens,
                PaddedTokens = stats.PaddedTokens + ((long)rows * paddedLength - realTokens),
                ModelTime = stats.ModelTime + watch.Elapsed,
            };
            start += rows;
        }
        Statistics = stats;

        var results = new ContinuationScore[requests.Count];
        for (var i = 0; i < results.Length; i++) results[i] = new ContinuationScore(logProbabilities[i], greedy[i]);
        return results;
    }

    /// <summary>
    /// The sequences to run, longest first (ties in plan order): one per request with a longer continuation, one per
    /// distinct context among one-token continuations.
    /// </summary>
    internal static IReadOnlyList<ScoringSequence> Plan(IReadOnlyList<TokenizedRequest> requests, bool shareOneTokenContexts)
    {
        var planned = new List<ScoringSequence>();
        var sharedContexts = new Dictionary<int[], List<ScoringTarget>>(TokenSequenceComparer.Instance);
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            var lastContext = request.Context.Length - 1;
            if (shareOneTokenContexts && request.Continuation.Length == 1)
            {
                if (!sharedContexts.TryGetValue(request.Context, out var targets))
                {
                    targets = [];
                    sharedContexts.Add(request.Context, targets);
                    planned.Add(new ScoringSequence(request.Context, targets));
                }
                targets.Add(new ScoringTarget(r, lastContext, request.Continuation[0]));
                continue;
            }

            var tokens = new int[request.Length];
            request.Context.CopyTo(tokens, 0);
            request.Continuation.CopyTo(tokens, request.Context.Length);
            var own = new ScoringTarget[request.Continuation.Length];
            for (var j = 0; j < own.Length; j++) own[j] = new ScoringTarget(r, lastContext + j, request.Continuation[j]);
            planned.Add(new ScoringSequence(tokens, own));
        }
        return planned.OrderByDescending(s => s.Tokens.Length).ToList();
    }

    private long RunBatch(
        IReadOnlyList<ScoringSequence> sequences, int start, int rows, int paddedLength,
        double[] logProbabilities, bool[] greedy, CancellationToken cancellationToken)
    {
        var tokens = new long[rows * paddedLength];
        var lengths = new int[rows];
        long realTokens = 0;
        for (var row = 0; row < rows; row++)
        {
            var sequence = sequences[start + row].Tokens;
            lengths[row] = sequence.Length;
            realTokens += sequence.Length;
            var destination = tokens.AsSpan(row * paddedLength, sequence.Length);
            for (var t = 0; t < sequence.Length; t++) destination[t] = sequence[t];
        }

        var vocabulary = model.VocabularySize;
        model.Forward(tokens, lengths, paddedLength, logits =>
        {
            if (logits.Length != (long)rows * paddedLength * vocabulary)
            {
                throw new InvalidOperationException(
                    $"the model returned {logits.Length} logits for a [{rows}, {paddedLength}] batch; expected {(long)rows * paddedLength * vocabulary} (vocabulary {vocabulary})");
            }
            for (var row = 0; row < rows; row++)
            {
                foreach (var target in sequences[start + row].Targets)
                {
                    var offset = ((long)row * paddedLength + target.Position) * vocabulary;
                    var position = logits.Slice((int)offset, vocabulary);
                    if (!LogSoftmax.TryAt(position, target.Token, scratch, out var logProbability, out var isArgmax))
                    {
                        throw NonFiniteLogits(modelFile, row, target.Position, rows, paddedLength);
                    }
                    logProbabilities[target.Request] += logProbability;
                    greedy[target.Request] &= isArgmax;
                }
            }
        }, cancellationToken);
        return realTokens;
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

/// <summary>One token to score: request <see cref="Request"/>'s token <see cref="Token"/>, predicted at <see cref="Position"/>.</summary>
internal readonly record struct ScoringTarget(int Request, int Position, int Token);

/// <summary>A token sequence sent to the model and the targets read from its logits.</summary>
internal sealed record ScoringSequence(int[] Tokens, IReadOnlyList<ScoringTarget> Targets);
