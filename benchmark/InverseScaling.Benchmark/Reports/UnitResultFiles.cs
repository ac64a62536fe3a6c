using System.Security.Cryptography;
using System.Text.Json;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Reports;

/// <summary>
/// A run's output folder as the store of its completed units. Each (checkpoint, task set) unit is two files, written in
/// this order, each atomically (<see cref="AtomicFile"/>):
/// <list type="number">
/// <item><c>examples/&lt;task&gt;/&lt;checkpoint&gt;.jsonl</c> (control sets: <c>&lt;checkpoint&gt;.control.jsonl</c>): one
/// <see cref="ExampleScore"/> per line, compact JSON, in example order;</item>
/// <item><c>examples/&lt;task&gt;/&lt;checkpoint&gt;.unit.json</c> (control sets: <c>&lt;checkpoint&gt;.control.unit.json</c>):
/// the <see cref="UnitState"/>, which marks the unit complete.</item>
/// </list>
/// A unit counts as complete only when its state file exists, its key equals the run's and the examples file has the
/// recorded sha256 and line count; anything else is scored again and overwritten. The format is described in
/// docs/reliability.md.
/// </summary>
public sealed class UnitResultFiles(string outDirectory) : IUnitResultStore
{
    public const string StateSuffix = ".unit.json";

    public string OutDirectory { get; } = Path.GetFullPath(outDirectory);

    /// <summary>The state file of a unit, beside its examples file.</summary>
    public static string StatePath(string outDirectory, string task, string checkpoint, bool control) =>
        Path.Combine(outDirectory, "examples", task, (control ? $"{checkpoint}.control" : checkpoint) + StateSuffix);

    public SavedUnit? TryLoad(UnitKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var state = TryReadState(StatePath(OutDirectory, key.Task, key.Checkpoint, key.Control));
        if (state is null || !key.Equals(state.Key)) return null;
        var examples = TryReadExamples(ResultFiles.ExamplesPath(OutDirectory, key.Task, key.Checkpoint, key.Control), state);
        return examples is null ? null : new SavedUnit(examples, state.Encoding);
    }

    public void Save(UnitKey key, CheckpointTaskResult result)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(result);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AtomicFile.Write(ResultFiles.ExamplesPath(OutDirectory, key.Task, key.Checkpoint, key.Control), stream =>
        {
            foreach (var score in result.Examples)
            {
                var line = JsonSerializer.SerializeToUtf8Bytes(score, SuiteJson.Compact);
                stream.Write(line);
                stream.WriteByte((byte)'\n');
                hash.AppendData(line);
                hash.AppendData("\n"u8);
            }
        });
        var state = new UnitState(UnitState.CurrentSchemaVersion, key, result.Examples.Count, Convert.ToHexStringLower(hash.GetHashAndReset()), result.Encoding);
        AtomicFile.WriteAllText(StatePath(OutDirectory, key.Task, key.Checkpoint, key.Control), JsonSerializer.Serialize(state, SuiteJson.Indented) + "\n");
    }

    /// <summary>Deletes the temporary files killed runs left in the output folder; returns how many.</summary>
    public int DeleteAbandonedFiles() => AtomicFile.DeleteAbandoned(OutDirectory);

    /// <summary>Reads a unit state file; null when it is missing, unreadable or of another schema version (the unit is then scored again).</summary>
    public static UnitState? TryReadState(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var state = JsonSerializer.Deserialize<UnitState>(File.ReadAllBytes(path), SuiteJson.Indented);
            return state is { SchemaVersion: UnitState.CurrentSchemaVersion, Key.TokenizerSha256: not null, Key.Bos: not null, Encoding: not null, ExamplesSha256: not null }
                ? state
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The per-example scores of an examples file that matches <paramref name="state"/>; null when it does not.</summary>
    public static IReadOnlyList<ExampleScore>? TryReadExamples(string path, UnitState state)
    {
        if (!File.Exists(path)) return null;
        using (var stream = File.OpenRead(path))
        {
            if (Convert.ToHexStringLower(SHA256.HashData(stream)) != state.ExamplesSha256) return null;
        }
        var scores = new ExampleScoreColumns();
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                scores.Add(JsonSerializer.Deserialize<ExampleScore>(line, SuiteJson.Compact) ?? throw new JsonException("a null line"));
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return scores.Count == state.Examples ? scores.TrimExcess() : null;
    }
}

/// <summary>
/// The contents of a unit state file (<c>examples/&lt;task&gt;/&lt;checkpoint&gt;[.control].unit.json</c>): the unit is complete,
/// scored under <see cref="Key"/>, and its examples file holds <see cref="Examples"/> lines with sha256 <see cref="ExamplesSha256"/>.
/// </summary>
/// <param name="Encoding">How the unit's requests were encoded; summary.json reports these counts.</param>
public sealed record UnitState(int SchemaVersion, UnitKey Key, int Examples, string ExamplesSha256, EncodingStats Encoding)
{
    public const int CurrentSchemaVersion = 1;
}
