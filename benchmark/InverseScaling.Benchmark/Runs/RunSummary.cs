using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Runs;

/// <summary>The contents of <c>summary.json</c>: a run without its per-example scores.</summary>
public sealed record RunSummary(string Family, RunSettings Settings, IReadOnlyList<CheckpointSummary> Checkpoints, IReadOnlyList<TaskSummary> Tasks)
{
    /// <summary>The summary of <paramref name="run"/>, in its task and checkpoint order.</summary>
    public static RunSummary Of(FamilyRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunSummary(
            run.Family,
            run.Settings,
            run.Checkpoints.Select(c => new CheckpointSummary(c.Name, c.Manifest.NonEmbeddingParameters, c.Manifest.Parameters, c.Manifest.TrainingFlops)).ToList(),
            run.Tasks.Select(t => new TaskSummary(
                t.Name,
                t.Definition.Format,
                t.Definition.Cause,
                t.Definition.PrimaryMetric,
                t.DataSha256,
                MetricsOf(t.Task),
                t.Task.Fits,
                t.Control is null ? null : MetricsOf(t.Control),
                t.Control?.Fits)).ToList());
    }

    private static List<CheckpointMetricsSummary> MetricsOf(TaskSetResult set) =>
        set.Checkpoints.Select(c => new CheckpointMetricsSummary(c.Checkpoint, c.Size, c.Metrics.Metrics, c.Encoding)).ToList();
}

public sealed record CheckpointSummary(string Name, long NonEmbeddingParameters, long Parameters, double? TrainingFlops);

public sealed record TaskSummary(
    string Task,
    string Format,
    string? Cause,
    string PrimaryMetric,
    string DataSha256,
    IReadOnlyList<CheckpointMetricsSummary> Checkpoints,
    IReadOnlyDictionary<string, ScalingFit> Fits,
    IReadOnlyList<CheckpointMetricsSummary>? ControlCheckpoints,
    IReadOnlyDictionary<string, ScalingFit>? ControlFits);

public sealed record CheckpointMetricsSummary(string Checkpoint, double Size, IReadOnlyDictionary<string, MetricValue> Metrics, EncodingStats Encoding);
