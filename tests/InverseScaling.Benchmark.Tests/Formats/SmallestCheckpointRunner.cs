using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Reliability;

namespace InverseScaling.Benchmark.Tests.Formats;

/// <summary>The reference family's smallest checkpoint, opened once for a test class, with no results cache.</summary>
public sealed class SmallestCheckpointRunner : IDisposable
{
    private readonly Lazy<CheckpointRunner> _runner = new(() =>
    {
        var (family, checkpoint) = SmallestReferenceCheckpoint.Load();
        return CheckpointRunner.Create(family, checkpoint, EvaluationOptions.Default with { IncludeControls = false });
    });

    /// <summary>Scores <paramref name="examples"/> as <paramref name="format"/>.</summary>
    public CheckpointTaskResult Score(TaskFormat format, IEnumerable<TaskExample> examples) =>
        _runner.Value.Score(format, examples, progress: null, TestContext.Current.CancellationToken);

    /// <summary>
    /// The scorer's summed log-probability of each <c>(context, continuation)</c>, asked one request per example as
    /// sequence_prob (whose loss is exactly the negated log-probability).
    /// </summary>
    public double[] LogProbabilities(params (string Context, string Continuation)[] requests)
    {
        var source = new SourceLocation("probe", 0);
        var scored = Score(TaskFormat.SequenceProb, requests.Select((r, i) => (TaskExample)new SequenceProbExample(i, source, r.Context, r.Continuation)));
        return [.. scored.Examples.Select(e => -e.Loss)];
    }

    public void Dispose()
    {
        if (_runner.IsValueCreated) _runner.Value.Dispose();
    }
}
