using InverseScaling.Benchmark.Baselines;

namespace InverseScaling.Benchmark.Configuration;

/// <summary>
/// One setting a user gives as an MSBuild property of a gate project (compiled into the test assembly by the Gate package's
/// build files) or as an environment variable of the same meaning; the environment wins.
/// </summary>
/// <param name="Property">The MSBuild property, and the key of the test assembly's <c>AssemblyMetadata</c>.</param>
/// <param name="Variable">The environment variable.</param>
/// <param name="Kind">How the value reads: a path is resolved against where it was set.</param>
public sealed record SettingName(string Property, string Variable, SettingKind Kind)
{
    /// <summary>The family manifest (<c>family.json</c>) to score.</summary>
    public static SettingName Family { get; } = new("InverseScalingFamily", "INVERSE_SCALING_FAMILY", SettingKind.Path);

    /// <summary>The folder of baselines: <c>&lt;family&gt;/&lt;task&gt;.verified.json</c>, and the received files beside them.</summary>
    public static SettingName Baselines { get; } = new("InverseScalingBaselines", "INVERSE_SCALING_BASELINES", SettingKind.Path);

    /// <summary>Folders of task folders, or task folders, separated by <see cref="Path.PathSeparator"/>.</summary>
    public static SettingName Tasks { get; } = new("InverseScalingTasks", "INVERSE_SCALING_TASKS", SettingKind.PathList);

    /// <summary>The smallest slope tolerance, per decade of size.</summary>
    public static SettingName SlopeTolerance { get; } = new("InverseScalingSlopeTolerance", GateTolerances.SlopeVariable, SettingKind.Number);

    /// <summary>A checkpoint's tolerance in standard errors of its baseline mean.</summary>
    public static SettingName CheckpointTolerance { get; } = new("InverseScalingCheckpointTolerance", GateTolerances.CheckpointVariable, SettingKind.Number);

    /// <summary>The x-axis of the fits: <c>non-embedding-parameters</c> or <c>training-flops</c>.</summary>
    public static SettingName SizeMeasure { get; } = new("InverseScalingSizeMeasure", "INVERSE_SCALING_SIZE_MEASURE", SettingKind.Name);

    /// <summary>The results cache folder, or <see cref="CacheOff"/>.</summary>
    public static SettingName Cache { get; } = new("InverseScalingCache", "INVERSE_SCALING_CACHE", SettingKind.Path);

    /// <summary>The value of <see cref="Cache"/> that turns the results cache off.</summary>
    public const string CacheOff = "off";

    public static IReadOnlyList<SettingName> All { get; } =
        [Family, Baselines, Tasks, SlopeTolerance, CheckpointTolerance, SizeMeasure, Cache];
}

/// <summary>How a setting's value reads.</summary>
public enum SettingKind
{
    /// <summary>A file or folder; relative values resolve against the folder of the source that set them.</summary>
    Path,
    /// <summary>Several paths separated by <see cref="System.IO.Path.PathSeparator"/>, each resolved as a <see cref="Path"/>.</summary>
    PathList,
    /// <summary>A plain number, zero or more.</summary>
    Number,
    /// <summary>One of a fixed set of names.</summary>
    Name,
}
