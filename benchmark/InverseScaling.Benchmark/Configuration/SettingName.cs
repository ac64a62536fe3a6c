using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;

namespace InverseScaling.Benchmark.Configuration;

/// <summary>
/// One setting a user gives as an MSBuild property of a gate project (compiled into the test assembly by the Gate package's
/// build files) or as an environment variable of the same meaning; the environment wins.
/// </summary>
/// <param name="Property">The MSBuild property, and the key of the test assembly's <c>AssemblyMetadata</c>.</param>
/// <param name="Variable">The environment variable.</param>
public sealed record SettingName(string Property, string Variable)
{
    /// <summary>The family manifest (<c>family.json</c>) to score.</summary>
    public static SettingName Family { get; } = new("InverseScalingFamily", "INVERSE_SCALING_FAMILY");

    /// <summary>The folder of baselines: <c>&lt;family&gt;/&lt;task&gt;.verified.json</c>, and the received files beside them.</summary>
    public static SettingName Baselines { get; } = new("InverseScalingBaselines", "INVERSE_SCALING_BASELINES");

    /// <summary>Folders of task folders, or task folders, separated by <see cref="Path.PathSeparator"/>.</summary>
    public static SettingName Tasks { get; } = new("InverseScalingTasks", "INVERSE_SCALING_TASKS");

    /// <summary>The smallest slope tolerance, per decade of size.</summary>
    public static SettingName SlopeTolerance { get; } = new("InverseScalingSlopeTolerance", GateTolerances.SlopeVariable);

    /// <summary>A checkpoint's tolerance in standard errors of its baseline mean.</summary>
    public static SettingName CheckpointTolerance { get; } = new("InverseScalingCheckpointTolerance", GateTolerances.CheckpointVariable);

    /// <summary>The paired rule's practical threshold: a checkpoint's mean per-example difference must exceed it to count as worse.</summary>
    public static SettingName PairedThreshold { get; } = new("InverseScalingPairedThreshold", PairedTolerances.ThresholdVariable);

    /// <summary>The x-axis of the fits: <c>non-embedding-parameters</c> or <c>training-flops</c>.</summary>
    public static SettingName SizeMeasure { get; } = new("InverseScalingSizeMeasure", "INVERSE_SCALING_SIZE_MEASURE");

    /// <summary>The results cache folder, or <see cref="CacheOff"/>.</summary>
    public static SettingName Cache { get; } = new("InverseScalingCache", "INVERSE_SCALING_CACHE");

    /// <summary>The value of <see cref="Cache"/> that turns the results cache off.</summary>
    public const string CacheOff = "off";

    /// <summary>Every setting, in the order the README's table lists them.</summary>
    public static IReadOnlyList<SettingName> All { get; } =
        [Family, Baselines, Tasks, SlopeTolerance, CheckpointTolerance, PairedThreshold, SizeMeasure, Cache];
}
