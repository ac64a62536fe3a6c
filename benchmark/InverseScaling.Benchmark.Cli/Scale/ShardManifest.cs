using System.Text.Json;
using System.Text.Json.Serialization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Reports;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Cli.Scale;

/// <summary>The settings of a run that decide which units it scores and how; every shard of one run must agree on them.</summary>
internal sealed record ShardSettings(string SizeMeasure, int? Limit, bool IncludeControls, int Shots, string SuiteVersion)
{
    public static ShardSettings Of(EvaluationOptions options) => new(
        Scaling.SizeMeasures.ToName(options.SizeMeasure), options.Limit, options.IncludeControls, options.Shots, SuiteInfo.Version);
}

/// <summary>A pair as <c>shard.json</c> lists it.</summary>
internal sealed record ShardPairName(string Checkpoint, string Task);

/// <summary>
/// <c>shard.json</c> in a shard's output folder: which shard of how many, of which family, tasks and settings, and the
/// (checkpoint, task) pairs of its slice. <c>merge</c> checks the shards against each other and against the plan.
/// </summary>
internal sealed record ShardManifest(int SchemaVersion, int Shard, int Of, string Family, IReadOnlyList<string> Tasks,
    ShardSettings Settings, IReadOnlyList<ShardPairName> Pairs)
{
    public const int CurrentSchemaVersion = 1;
    public const string FileName = "shard.json";

    [JsonIgnore]
    public ShardSpec Spec => new(Shard, Of);

    public void Write(string outDirectory) =>
        AtomicFile.WriteAllText(Path.Combine(outDirectory, FileName), JsonSerializer.Serialize(this, SuiteJson.Indented) + "\n");

    /// <exception cref="BenchmarkInputException">The folder holds no readable shard.json.</exception>
    public static ShardManifest Read(string folder)
    {
        var path = Path.Combine(Path.GetFullPath(folder), FileName);
        const string Fix = "give the --out folders of `run --shard k/n`, each from a finished shard";
        if (!File.Exists(path))
            throw new BenchmarkInputException(path, "there is no shard.json: the shard has not finished, or the folder is not a shard's output",
                "finish the shard (the same run --shard k/n --out command resumes it), or give the --out folders of run --shard k/n");
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), SuiteJson.Indented);
        }
        catch (JsonException e)
        {
            throw new BenchmarkInputException(path, "it is not a readable shard.json", Fix, e.LineNumber is { } l ? (int)l + 1 : null, inner: e);
        }
        if (manifest is null || manifest.SchemaVersion != CurrentSchemaVersion || manifest.Family is null || manifest.Tasks is null
            || manifest.Settings is null || manifest.Pairs is null || manifest.Of < 1 || manifest.Shard < 1 || manifest.Shard > manifest.Of)
            throw new BenchmarkInputException(path, $"it is not a shard.json of schema version {CurrentSchemaVersion} with shard, of, family, tasks, settings and pairs", Fix);
        return manifest;
    }
}
