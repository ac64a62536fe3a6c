using System.Text;
using System.Text.Json;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Reports;

/// <summary>
/// The machine-readable output of a run: <c>summary.json</c> and one JSONL file of per-example scores per task and
/// checkpoint (<c>examples/&lt;task&gt;/&lt;checkpoint&gt;.jsonl</c>, control sets as <c>&lt;checkpoint&gt;.control.jsonl</c>).
/// </summary>
public static class ResultFiles
{
    public const string SummaryFileName = "summary.json";

    public static string ExamplesPath(string outDirectory, string task, string checkpoint, bool control) =>
        Path.Combine(outDirectory, "examples", task, control ? $"{checkpoint}.control.jsonl" : $"{checkpoint}.jsonl");

    /// <summary>Per-example scores, one compact JSON object per line.</summary>
    public static string ExamplesJsonl(IEnumerable<ExampleScore> scores)
    {
        var sb = new StringBuilder();
        foreach (var score in scores) sb.Append(JsonSerializer.Serialize(score, SuiteJson.Compact)).Append('\n');
        return sb.ToString();
    }

    public static void WriteExamples(string outDirectory, string task, string checkpoint, bool control, IEnumerable<ExampleScore> scores) =>
        AtomicFile.WriteAllText(ExamplesPath(outDirectory, task, checkpoint, control), ExamplesJsonl(scores));

    public static void WriteSummary(string outDirectory, FamilyRunResult run) =>
        AtomicFile.WriteAllText(Path.Combine(outDirectory, SummaryFileName), JsonSerializer.Serialize(Summarize(run), SuiteJson.Indented) + "\n");

    /// <summary>The run without its per-example scores.</summary>
    public static RunSummary Summarize(FamilyRunResult run) => new(
        run.Family,
        run.Settings,
        run.Checkpoints.Select(c => new CheckpointSummary(c.Name, c.Manifest.NonEmbeddingParameters, c.Manifest.Parameters, c.Manifest.TrainingFlops)).ToList(),
        run.Tasks.Select(t => new TaskSummary(
            t.Name,
            t.Definition.Format,
            t.Definition.Cause,
            t.Definition.PrimaryMetric,
            t.DataSha256,
            t.Task.Checkpoints.Select(c => new CheckpointMetricsSummary(c.Checkpoint, c.Size, c.Metrics.Metrics, c.Encoding)).ToList(),
            t.Task.Fits,
            t.Control?.Checkpoints.Select(c => new CheckpointMetricsSummary(c.Checkpoint, c.Size, c.Metrics.Metrics, c.Encoding)).ToList(),
            t.Control?.Fits)).ToList());
}

/// <summary>The contents of <c>summary.json</c>.</summary>
public sealed record RunSummary(string Family, RunSettings Settings, IReadOnlyList<CheckpointSummary> Checkpoints, IReadOnlyList<TaskSummary> Tasks);

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
