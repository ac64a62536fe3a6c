using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>How the requests of one task were encoded on one checkpoint; counts the run reports.</summary>
/// <param name="BoundaryDiffers">Requests with no clean token boundary after the context, whose continuation was encoded on its own (the fallback).</param>
/// <param name="Truncated">Requests cut from the left to fit the model's context.</param>
/// <param name="ClassesWithoutLeadingSpace">Continuations that do not start with whitespace.</param>
public sealed record EncodingStats(int Requests, int BoundaryDiffers, int Truncated, int ClassesWithoutLeadingSpace)
{
    public static EncodingStats Empty { get; } = new(0, 0, 0, 0);

    public EncodingStats Add(EncodingStats other) => new(
        Requests + other.Requests,
        BoundaryDiffers + other.BoundaryDiffers,
        Truncated + other.Truncated,
        ClassesWithoutLeadingSpace + other.ClassesWithoutLeadingSpace);
}

/// <summary>One task's data (or control set) scored on one checkpoint.</summary>
public sealed record CheckpointTaskResult(
    string Checkpoint,
    double Size,
    IReadOnlyList<ExampleScore> Examples,
    CheckpointMetrics Metrics,
    EncodingStats Encoding);

/// <summary>One task (or its control set) across a family: per-checkpoint results and a fit per metric.</summary>
public sealed record TaskSetResult(
    IReadOnlyList<CheckpointTaskResult> Checkpoints,
    IReadOnlyDictionary<string, ScalingFit> Fits);

/// <summary>A task across a family: the task set, the control set when the task has one, and what identifies the inputs.</summary>
public sealed record TaskResult(
    TaskDefinition Definition,
    string DataSha256,
    TaskSetResult Task,
    TaskSetResult? Control)
{
    public string Name => Definition.Name;
    public ScalingFit PrimaryFit => Task.Fits[Definition.PrimaryMetric];
}

/// <summary>Everything a run produced, in task order.</summary>
public sealed record FamilyRunResult(
    string Family,
    IReadOnlyList<Checkpoint> Checkpoints,
    IReadOnlyList<TaskResult> Tasks,
    RunSettings Settings);

/// <summary>The settings that change results; recorded with every run and baseline.</summary>
/// <param name="SizeMeasure"><c>parameters</c> (non-embedding) or <c>flops</c> (training FLOPs).</param>
/// <param name="Limit">Examples per task, when limited.</param>
/// <param name="Shots">Demonstrations added to each example (0: the task as written).</param>
public sealed record RunSettings(
    string SizeMeasure,
    int? Limit,
    int BootstrapResamples,
    int BootstrapSeed,
    string SuiteVersion,
    int Shots = 0)
{
    public const string Parameters = "parameters";
    public const string Flops = "flops";
}
