using System.Diagnostics;
using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The official pipeline's algorithm, kept as the reference to measure and check the engine against: batch size 1,
/// one full forward pass over context + continuation per request, log-softmax at the positions that predict the
/// continuation's k tokens. Nothing is shared between requests. Does not own the model. Not thread-safe.
/// </summary>
internal sealed class NaiveLoglikelihoodScorer : ILoglikelihoodScorer
{
    private readonly ICausalLanguageModel model;
    private readonly string modelFile;
    private readonly double[] scratch;

    /// <param name="modelFile">The checkpoint file, named in errors about its logits.</param>
    public NaiveLoglikelihoodScorer(ICausalLanguageModel model, string modelFile)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        this.modelFile = modelFile;
        scratch = new double[model.VocabularySize];
    }

    public ScoringStatistics Statistics { get; private set; } = ScoringStatistics.Empty;

    public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var vocabulary = model.VocabularySize;
        var results = new ContinuationScore[requests.Count];
        for (var r = 0; r < requests.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = requests[r];
            if (request.Context.Length == 0 || request.Continuation.Length == 0 || request.Length > model.MaxContext)
            {
                throw new ArgumentException($"request {r} has {request.Context.Length} context and {request.Continuation.Length} continuation tokens; the model takes 1..{model.MaxContext} with both parts non-empty", nameof(requests));
            }
            var length = request.Length;
            var tokens = new long[length];
            for (var t = 0; t < request.Context.Length; t++) tokens[t] = request.Context[t];
            for (var t = 0; t < request.Continuation.Length; t++) tokens[request.Context.Length + t] = request.Continuation[t];

            var watch = Stopwatch.StartNew();
            double sum = 0;
            var greedy = true;
            model.Forward(tokens, [length], length, logits =>
            {
                LogitsChecks.ThrowIfNonFinite(modelFile, logits, [length], length, vocabulary);
                for (var j = 0; j < request.Continuation.Length; j++)
                {
                    var position = request.Context.Length - 1 + j;
                    var logProbability = LogSoftmax.At(logits.Slice(position * vocabulary, vocabulary), request.Continuation[j], scratch, out var isArgmax);
                    sum += logProbability;
                    greedy &= isArgmax;
                }
            }, cancellationToken);
            results[r] = new ContinuationScore(sum, greedy);

            var stats = Statistics;
            Statistics = stats with
            {
                Requests = stats.Requests + 1,
                Sequences = stats.Sequences + 1,
                Batches = stats.Batches + 1,
                Tokens = stats.Tokens + length,
                ModelTime = stats.ModelTime + watch.Elapsed,
                LogitPositions = stats.LogitPositions + length,
                AttentionPairs = stats.AttentionPairs + (long)length * (length + 1) / 2,
            };
        }
        return results;
    }
}
