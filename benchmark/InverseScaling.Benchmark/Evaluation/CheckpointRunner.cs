using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// One checkpoint ready to score: its tokenizer, request encoder and ONNX model. Scores examples of any task,
/// streamed in chunks so a task file of any length runs in bounded memory.
/// </summary>
public sealed class CheckpointRunner : IDisposable
{
    private readonly RequestEncoder _encoder;
    private readonly LoglikelihoodScorer _scorer;
    private readonly ICausalLanguageModel _model;
    private readonly int _chunkSize;

    private CheckpointRunner(Checkpoint checkpoint, double size, RequestEncoder encoder, ICausalLanguageModel model, LoglikelihoodScorer scorer, int chunkSize)
    {
        Checkpoint = checkpoint;
        Size = size;
        _encoder = encoder;
        _model = model;
        _scorer = scorer;
        _chunkSize = chunkSize;
    }

    public Checkpoint Checkpoint { get; }

    /// <summary>The checkpoint's size under the run's size measure.</summary>
    public double Size { get; }

    /// <summary>Work done by the scorer so far.</summary>
    public ScoringStatistics Statistics => _scorer.Statistics;

    public static CheckpointRunner Create(Family family, Checkpoint checkpoint, EvaluationOptions options)
    {
        var size = Scaling.SizeMeasures.SizeOf(checkpoint.Manifest, options.SizeMeasure, family.ManifestPath);
        var tokenizer = TokenizerFactory.Create(checkpoint.Tokenizer);
        var encoder = RequestEncoder.For(checkpoint, tokenizer, family.ManifestPath);
        var model = OnnxCausalLanguageModel.Create(checkpoint.OnnxPath,
            new OnnxModelOptions(tokenizer.VocabularySize, checkpoint.Manifest.MaxContext, options.IntraOpThreads) { Device = options.Device });
        try
        {
            var scorer = new LoglikelihoodScorer(model, checkpoint.OnnxPath, options.Scorer);
            return new CheckpointRunner(checkpoint, size, encoder, model, scorer, options.ChunkSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
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
            var tokenized = _encoder.Encode(set, cancellationToken);
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
