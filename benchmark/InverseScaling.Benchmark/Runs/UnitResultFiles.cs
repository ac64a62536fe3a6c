using System.Text.Json;
using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Runs;

/// <summary>
/// A run folder as the store of its completed units. Each (checkpoint, task set) unit is two files, written in this order,
/// each atomically (<see cref="AtomicFile"/>):
/// <list type="number">
/// <item><c>examples/&lt;task&gt;/&lt;checkpoint&gt;.jsonl</c> (control sets: <c>&lt;checkpoint&gt;.control.jsonl</c>), see <see cref="ExampleScoreFile"/>;</item>
/// <item><c>examples/&lt;task&gt;/&lt;checkpoint&gt;.unit.json</c> (control sets: <c>&lt;checkpoint&gt;.control.unit.json</c>):
/// the <see cref="UnitState"/>, which marks the unit complete.</item>
/// </list>
/// A unit counts as complete only when its state file exists, carries this user's signature (<see cref="SigningKey"/>, over
/// the state, which holds the examples file's sha256), its key equals the run's and the examples file has the recorded
/// sha256 and line count; anything else is scored again and overwritten. The format is described in docs/reliability.md.
/// </summary>
/// <param name="key">Signs and checks the state files; default the user's, read on first use.</param>
public sealed class UnitResultFiles(RunFolder folder, SigningKey? key = null) : IUnitResultStore
{
    private const string Fix = "delete the file; the next run scores the unit again";

    private readonly Lazy<SigningKey> signing = key is null ? new(SigningKey.ForThisUser) : new(key);
    private long ignored;

    public UnitResultFiles(string outDirectory, SigningKey? key = null) : this(new RunFolder(outDirectory), key)
    {
    }

    public RunFolder Folder { get; } = folder;

    /// <summary>Load units whatever their signature: a merge reads the shards it was given, which other users or machines signed. <value>Default false.</value></summary>
    public bool TrustUnsigned { get; init; }

    /// <summary>Saved units not loaded because this user's key did not sign their state. Thread-safe.</summary>
    public long Ignored => Interlocked.Read(ref ignored);

    public string OutDirectory => Folder.Directory;

    public SavedUnit? TryLoad(UnitKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var state = TryReadState(Folder.UnitStatePath(key.Task, key.Checkpoint, key.Control));
        if (state is null) return null;
        if (!TrustUnsigned && !Signed(state))
        {
            Interlocked.Increment(ref ignored);
            return null;
        }
        if (!key.Equals(state.Key)) return null;
        var examples = TryReadExamples(Folder.ExamplesPath(key.Task, key.Checkpoint, key.Control), state);
        return examples is null ? null : new SavedUnit(examples, state.Encoding);
    }

    public void Save(UnitKey key, CheckpointTaskResult result)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(result);
        var (count, sha256) = ExampleScoreFile.Write(Folder.ExamplesPath(key.Task, key.Checkpoint, key.Control), result.Examples);
        var state = new UnitState(UnitState.CurrentSchemaVersion, key, count, sha256, result.Encoding);
        state = state with { Signature = Convert.ToHexStringLower(signing.Value.Sign(SignedBytes(state))) };
        AtomicFile.WriteAllText(Folder.UnitStatePath(key.Task, key.Checkpoint, key.Control), JsonSerializer.Serialize(state, SuiteJson.Indented) + "\n");
    }

    /// <summary>What the signature covers: the state without its signature, as JSON.</summary>
    private static byte[] SignedBytes(UnitState state) => JsonSerializer.SerializeToUtf8Bytes(state with { Signature = null }, SuiteJson.Compact);

    private bool Signed(UnitState state) =>
        FileHash.IsSha256(state.Signature) && signing.Value.Verifies(SignedBytes(state), Convert.FromHexString(state.Signature!));

    /// <summary>Reads a unit state file.</summary>
    /// <exception cref="BenchmarkInputException">The file is missing, unreadable, or of another schema version.</exception>
    public static UnitState ReadState(string path)
    {
        using var document = JsonInput.ReadDocument(path, InputLimits.ManifestBytes, "the unit state file", Fix);
        var state = JsonInput.Deserialize<UnitState>(document.RootElement, SuiteJson.Indented, path, Fix);
        return state is { SchemaVersion: UnitState.CurrentSchemaVersion, Key.Scoring.Bos: not null, Encoding: not null, ExamplesSha256: not null }
            ? state
            : throw new BenchmarkInputException(path, $"it is not a unit state of schema version {UnitState.CurrentSchemaVersion} with key, encoding and examplesSha256", Fix);
    }

    /// <summary>Reads a unit state file; null when it is missing, unreadable or of another schema version (the unit is then scored again).</summary>
    public static UnitState? TryReadState(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return ReadState(path);
        }
        catch (BenchmarkInputException)
        {
            return null;
        }
    }

    /// <summary>The per-example scores of an examples file that matches <paramref name="state"/>; null when it does not.</summary>
    public static IReadOnlyList<ExampleScore>? TryReadExamples(string path, UnitState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!File.Exists(path) || FileHash.Sha256(path) != state.ExamplesSha256) return null;
        try
        {
            var scores = ExampleScoreFile.Read(path);
            return scores.Count == state.Examples ? scores : null;
        }
        catch (BenchmarkInputException)
        {
            return null;
        }
    }
}

/// <summary>
/// The contents of a unit state file (<c>examples/&lt;task&gt;/&lt;checkpoint&gt;[.control].unit.json</c>): the unit is complete,
/// scored under <see cref="Key"/>, and its examples file holds <see cref="Examples"/> lines with sha256 <see cref="ExamplesSha256"/>.
/// </summary>
/// <param name="Encoding">How the unit's requests were encoded; summary.json reports these counts.</param>
/// <param name="Signature">HMAC-SHA256 (hex) of the rest by the user's <see cref="SigningKey"/>.</param>
public sealed record UnitState(int SchemaVersion, UnitKey Key, int Examples, string ExamplesSha256, EncodingStats Encoding, string? Signature = null)
{
    public const int CurrentSchemaVersion = 2;
}
