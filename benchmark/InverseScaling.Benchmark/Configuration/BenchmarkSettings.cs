using System.Globalization;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Configuration;

/// <summary>
/// Where a gate or a command reads and writes, and how it judges, as the user chose: each <see cref="SettingName"/> from the
/// first source that sets it (the environment, then the project's properties), else the caller's default. Paths are full.
/// </summary>
public sealed record BenchmarkSettings
{
    /// <summary>The family manifest; null when neither a source nor the defaults name one.</summary>
    public string? FamilyManifest { get; init; }

    /// <summary>The folder of baselines (one sub-folder per family); received files are written there too.</summary>
    public required string Baselines { get; init; }

    /// <summary>Folders of task folders, or task folders, in order.</summary>
    public required IReadOnlyList<string> TaskFolders { get; init; }

    public GateTolerances Tolerances { get; init; } = GateTolerances.Default;

    /// <summary>The paired rule's settings (<see cref="SettingName.PairedThreshold"/>).</summary>
    public PairedTolerances Paired { get; init; } = PairedTolerances.Default;

    public SizeMeasure SizeMeasure { get; init; } = SizeMeasure.NonEmbeddingParameters;

    /// <summary>The results cache folder; null when the cache is off.</summary>
    public string? Cache { get; init; }

    /// <summary>Resolves every setting from <paramref name="sources"/> (first wins) over <paramref name="defaults"/>.</summary>
    /// <exception cref="BenchmarkInputException">A value is malformed, or no baselines folder or task folder is set anywhere.</exception>
    public static BenchmarkSettings Resolve(SettingDefaults defaults, params IReadOnlyList<SettingSource> sources)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(sources);
        var cache = Find(sources, SettingName.Cache) is { } c
            ? c.Value.Equals(SettingName.CacheOff, StringComparison.OrdinalIgnoreCase) ? null : c.Source.Resolve(c.Value)
            : defaults.Cache;
        return new BenchmarkSettings
        {
            FamilyManifest = PathOf(sources, SettingName.Family) ?? defaults.FamilyManifest,
            Baselines = PathOf(sources, SettingName.Baselines) ?? defaults.Baselines ?? throw Unset(SettingName.Baselines, "the folder that holds <family>/<task>.verified.json"),
            TaskFolders = PathsOf(sources, SettingName.Tasks) ?? (defaults.TaskFolders is { Count: > 0 } d ? d : throw Unset(SettingName.Tasks, "the folder of task folders")),
            Tolerances = GateTolerances.Default.With(Number(sources, SettingName.SlopeTolerance), Number(sources, SettingName.CheckpointTolerance)),
            Paired = Number(sources, SettingName.PairedThreshold) is { } threshold ? PairedTolerances.Default with { Threshold = threshold } : PairedTolerances.Default,
            SizeMeasure = SizeMeasureOf(sources) ?? defaults.SizeMeasure,
            Cache = cache,
        };
    }

    /// <summary>Every task in <see cref="TaskFolders"/>, by name; a folder holding a <c>task.json</c> is one task.</summary>
    /// <exception cref="BenchmarkInputException">A folder does not exist, a task is invalid, or two folders hold tasks of the same name.</exception>
    public IReadOnlyList<BenchmarkTask> DiscoverTasks()
    {
        var tasks = new Dictionary<string, BenchmarkTask>(StringComparer.Ordinal);
        foreach (var folder in TaskFolders)
        {
            var found = File.Exists(Path.Combine(folder, TaskDefinitionFile.FileName))
                ? [TaskCatalog.Load(folder)]
                : TaskCatalog.Discover(folder);
            foreach (var task in found)
            {
                if (tasks.TryGetValue(task.Name, out var first))
                    throw new BenchmarkInputException(task.Directory, $"a task named '{task.Name}' is also in {first.Directory}",
                        $"rename one of the two task folders (and its name in task.json), or leave one folder out of {SettingName.Tasks.Property}");
                tasks.Add(task.Name, task);
            }
        }
        return tasks.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    private static (string Value, SettingSource Source)? Find(IReadOnlyList<SettingSource> sources, SettingName setting)
    {
        foreach (var source in sources)
        {
            if (source.Read(setting) is { } value) return (value, source);
        }
        return null;
    }

    private static string? PathOf(IReadOnlyList<SettingSource> sources, SettingName setting) =>
        Find(sources, setting) is { } found ? found.Source.Resolve(found.Value) : null;

    private static IReadOnlyList<string>? PathsOf(IReadOnlyList<SettingSource> sources, SettingName setting) =>
        Find(sources, setting) is { } found
            ? found.Value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(found.Source.Resolve).Distinct(StringComparer.Ordinal).ToList()
            : null;

    private static double? Number(IReadOnlyList<SettingSource> sources, SettingName setting)
    {
        if (Find(sources, setting) is not { } found) return null;
        if (double.TryParse(found.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)) return value;
        var name = found.Source.NameOf(setting);
        throw new BenchmarkInputException(found.Source.Origin, $"{name} is {TextExcerpt.Quote(found.Value)}, not a number zero or more",
            $"set {name} to a plain number such as 0.02, or leave it unset for the default", field: name);
    }

    private static SizeMeasure? SizeMeasureOf(IReadOnlyList<SettingSource> sources)
    {
        if (Find(sources, SettingName.SizeMeasure) is not { } found) return null;
        var name = found.Source.NameOf(SettingName.SizeMeasure);
        return SizeMeasures.TryParse(found.Value) ?? throw new BenchmarkInputException(found.Source.Origin,
            $"{name} is {TextExcerpt.Quote(found.Value)}, not a size measure this suite knows",
            $"set {name} to {SizeMeasures.NonEmbeddingParametersName} or {SizeMeasures.TrainingFlopsName}", field: name);
    }

    private static BenchmarkInputException Unset(SettingName setting, string what) =>
        new("settings", $"{setting.Property} is not set ({what})",
            $"reference the InverseScaling.Benchmark.Gate package (its build files set it), set {setting.Property} in the test project, or set {setting.Variable}",
            field: setting.Property);
}

/// <summary>What a caller uses for settings no source gives: a gate's or a command's defaults. Paths are full.</summary>
public sealed record SettingDefaults
{
    public string? FamilyManifest { get; init; }

    public string? Baselines { get; init; }

    public IReadOnlyList<string> TaskFolders { get; init; } = [];

    public SizeMeasure SizeMeasure { get; init; } = SizeMeasure.NonEmbeddingParameters;

    /// <summary>The results cache folder; null (the gate's default) leaves the cache off.</summary>
    public string? Cache { get; init; }
}
