using System.Text.Json;
using System.Text.Json.Serialization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Runs;

namespace InverseScaling.Benchmark.Sharding;

/// <summary>The settings of a run that decide which units it scores and how; every shard of one run must agree on them.</summary>
/// <param name="Device">The execution device (<c>name:index</c>), part of each unit's key; null in shards of older suites (the CPU).</param>
public sealed record ShardSettings(string SizeMeasure, int? Limit, bool IncludeControls, int Shots, string SuiteVersion, string? Device = null)
{
    public static ShardSettings Of(EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(Scaling.SizeMeasures.ToName(options.SizeMeasure), options.Limit, options.IncludeControls, options.Shots, SuiteInfo.Version,
            $"{options.Device.Name}:{options.Device.DeviceId}");
    }
}

/// <summary>A pair as <c>shard.json</c> lists it.</summary>
public sealed record ShardPairName(string Checkpoint, string Task);

/// <summary>
/// <c>shard.json</c> in a shard's run folder: which shard of how many, of which family, tasks and settings, and the
/// (checkpoint, task) pairs of its slice. <c>merge</c> checks the shards against each other and against the plan.
/// </summary>
public sealed record ShardManifest(int SchemaVersion, int Shard, int Of, string Family, IReadOnlyList<string> Tasks,
    ShardSettings Settings, IReadOnlyList<ShardPairName> Pairs)
{
    public const int CurrentSchemaVersion = 1;
    public const string FileName = "shard.json";

    private const string Fix = "give the --out folders of `run --shard k/n`, each from a finished shard";

    [JsonIgnore]
    public ShardSpec Spec => new(Shard, Of);

    /// <summary>The manifest's path in a shard's folder.</summary>
    public static string PathIn(RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return folder.FilePath(FileName);
    }

    public void Write(RunFolder folder) =>
        AtomicFile.WriteAllText(PathIn(folder), JsonSerializer.Serialize(this, SuiteJson.Indented) + "\n");

    /// <exception cref="BenchmarkInputException">The folder holds no readable shard.json.</exception>
    public static ShardManifest Read(string folder) => Read(new RunFolder(folder));

    /// <exception cref="BenchmarkInputException">The folder holds no readable shard.json.</exception>
    public static ShardManifest Read(RunFolder folder)
    {
        var path = PathIn(folder);
        if (!File.Exists(path))
            throw new BenchmarkInputException(path, "there is no shard.json: the shard has not finished, or the folder is not a shard's output",
                "finish the shard (the same run --shard k/n --out command resumes it), or give the --out folders of run --shard k/n");
        using var document = JsonInput.ReadDocument(path, InputLimits.ManifestBytes, "shard.json", Fix);
        var manifest = JsonInput.Deserialize<ShardManifest>(document.RootElement, SuiteJson.Indented, path, Fix);
        if (manifest.SchemaVersion != CurrentSchemaVersion || manifest.Family is null || manifest.Tasks is null
            || manifest.Settings is null || manifest.Pairs is null || manifest.Of < 1 || manifest.Shard < 1 || manifest.Shard > manifest.Of)
            throw new BenchmarkInputException(path, $"it is not a shard.json of schema version {CurrentSchemaVersion} with shard, of, family, tasks, settings and pairs", Fix);
        return manifest;
    }
}
