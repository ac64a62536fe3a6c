using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// One checkpoint ready to score: its tokenizer, request encoder and ONNX model, behind the results cache when the run
/// has one. Scores examples of any task, streamed in chunks so a task file of any length runs in bounded memory.
/// </summary>
internal sealed class CheckpointRunner : IDisposable
{
    private readonly RequestEncoder _encoder;
    private readonly CheckpointScorer _model;
    private readonly ILoglikelihoodScorer _scorer;
    private readonly int _chunkSize;
    private readonly CheckpointCache? _cache;

    private CheckpointRunner(Checkpoint checkpoint, double size, RequestEncoder encoder, CheckpointScorer model, int chunkSize, CheckpointCache? cache)
    {
        Checkpoint = checkpoint;
        Size = size;
        _encoder = encoder;
        _model = model;
        _scorer = cache is null ? model : new CachedScorer(cache, model);
        _chunkSize = chunkSize;
        _cache = cache;
    }

    public Checkpoint Checkpoint { get; }

    /// <summary>The checkpoint's size under the run's size measure.</summary>
    public double Size { get; }

    /// <summary>Work done by the scorer so far.</summary>
    public ScoringStatistics Statistics => _model.Statistics;

    /// <summary>What the results cache answered, when the run has one.</summary>
    public CacheStatistics? CacheStatistics => _cache?.Statistics;

    /// <param name="scoring">The checkpoint's identity under <paramref name="options"/>, when the caller has it; the results cache is keyed by it.</param>
    public static CheckpointRunner Create(Family family, Checkpoint checkpoint, EvaluationOptions options, ScoringIdentity? scoring = null)
    {
        var size = Scaling.SizeMeasures.SizeOf(checkpoint.Manifest, options.SizeMeasure, family.ManifestPath);
        var tokenizer = TokenizerFactory.Create(checkpoint.Tokenizer);
        var encoder = RequestEncoder.For(checkpoint, tokenizer, family.ManifestPath);
        // With a results cache the model opens on the first miss: a fully cached run never loads it.
        var scorer = CheckpointScorer.Create(checkpoint,
            new OnnxModelOptions(tokenizer.VocabularySize, checkpoint.Manifest.MaxContext, options.IntraOpThreads) { Device = options.Device },
            options.Scorer, openNow: options.Cache is null);
        var cache = options.Cache?.For(scoring ?? ScoringIdentity.For(checkpoint, options));
        return new CheckpointRunner(checkpoint, size, encoder, scorer, options.ChunkSize, cache);
    }

    /// <summary>Scores a stream of examples of one format; <paramref name="progress"/> receives the running count.</summary>
    public CheckpointTaskResult Score(TaskFormat format, IEnumerable<TaskExample> examples, Action<int>? progress, CancellationToken cancellationToken)
    {
        var scores = new ExampleScoreColumns();
        var stats = EncodingStats.Empty;
        foreach (var chunk in examples.Chunk(_chunkSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var set = RequestBuilder.Build(chunk, cancellationToken);
            var tokenized = _cache?.Encode(set, _encoder, cancellationToken) ?? _encoder.Encode(set, cancellationToken);
            var results = _scorer.Score(tokenized, cancellationToken);
            foreach (var example in set.Examples)
            {
                scores.Add(ExampleScoring.Score(format, example.Example, example.Slice(results)));
            }
            stats = stats.Add(Count(set.Requests, tokenized));
            progress?.Invoke(scores.Count);
        }
        if (scores.Count == 0) throw new InvalidOperationException("the task has no examples");
        scores.TrimExcess();
        return new CheckpointTaskResult(Checkpoint.Name, Size, scores,
            new CheckpointMetrics(Checkpoint.Name, Size, MetricAggregation.Aggregate(format, scores)), stats);
    }

    private static EncodingStats Count(IReadOnlyList<LoglikelihoodRequest> requests, IReadOnlyList<TokenizedRequest> tokenized)
    {
        int boundary = 0, truncated = 0, noSpace = 0;
        for (var i = 0; i < tokenized.Count; i++)
        {
            if (tokenized[i].BoundaryDiffers) boundary++;
            if (tokenized[i].TruncatedTokens > 0) truncated++;
            if (requests[i].Continuation.Length == 0 || !char.IsWhiteSpace(requests[i].Continuation[0])) noSpace++;
        }
        return new EncodingStats(tokenized.Count, boundary, truncated, noSpace);
    }

    public void Dispose() => _model.Dispose();
}
