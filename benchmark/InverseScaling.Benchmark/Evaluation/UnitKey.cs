using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// Everything a (checkpoint, task set) unit's per-example scores depend on. A unit saved under an equal key is reused by a
/// resumed run; any difference (a new ONNX file, tokenizer, task data, limit, few-shot setting, size measure, suite
/// version, context length or BOS setting) means it is scored again. Thread count, token budget and chunk size are left out: they change the
/// scores by floating-point rounding only (see docs/reliability.md).
/// </summary>
/// <param name="TokenizerSha256">sha256 of each tokenizer file by its role: <c>vocab</c>, <c>merges</c>, <c>tokenizerJson</c>, <c>sentencePiece</c>.</param>
/// <param name="TaskDataSha256">sha256 of the file the unit reads: the task's data file, or its control file.</param>
/// <param name="Format">The task's format name (<see cref="Formats.FormatCatalog"/>).</param>
/// <param name="Limit">Examples scored per task set, when limited.</param>
/// <param name="Shots">Demonstrations put before each example (0: the task as written).</param>
/// <param name="ShotSeed">The seed that chose the demonstrations; null without shots.</param>
/// <param name="SizeMeasure">The run's size measure name (<see cref="Scaling.SizeMeasures.ToName"/>).</param>
public sealed record UnitKey(
    string Checkpoint,
    string Task,
    bool Control,
    string OnnxSha256,
    IReadOnlyDictionary<string, string> TokenizerSha256,
    string TaskDataSha256,
    string Format,
    int? Limit,
    int Shots,
    int? ShotSeed,
    string SizeMeasure,
    string SuiteVersion,
    int MaxContext,
    BosSpec Bos)
{
    /// <summary>The key of <paramref name="task"/>'s data (or control set) on <paramref name="checkpoint"/> under <paramref name="options"/>.</summary>
    /// <param name="hashes">Hashes files; a run passes one <see cref="FileHashes"/> so each file is read once.</param>
    public static UnitKey For(Checkpoint checkpoint, BenchmarkTask task, bool control, EvaluationOptions options, FileHashes hashes)
    {
        var files = checkpoint.Manifest.Files;
        var tokenizer = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Add(string role, string? path, FileRef? file)
        {
            if (path is not null) tokenizer[role] = file?.Sha256?.ToLowerInvariant() ?? hashes.Sha256(path);
        }
        Add("vocab", checkpoint.Tokenizer.Vocab, files.Vocab);
        Add("merges", checkpoint.Tokenizer.Merges, files.Merges);
        Add("tokenizerJson", checkpoint.Tokenizer.TokenizerJson, files.TokenizerJson);
        Add("sentencePiece", checkpoint.Tokenizer.SentencePiece, files.SentencePiece);
        Add("tiktoken", checkpoint.Tokenizer.Tiktoken, files.Tiktoken);
        if (checkpoint.Tokenizer.TiktokenEncoding is { } encoding) tokenizer["tiktokenEncoding"] = encoding;
        var data = control ? task.ControlPath ?? throw new ArgumentException($"task {task.Name} has no control set", nameof(control)) : task.DataPath;
        return new UnitKey(
            checkpoint.Name,
            task.Name,
            control,
            files.Onnx.ContentSha256(checkpoint.OnnxPath, checkpoint.OnnxData, p => hashes.Sha256(p)),
            tokenizer,
            hashes.Sha256(data),
            task.Definition.Format,
            options.Limit,
            options.Shots,
            options.Shots > 0 ? options.ShotSeed : null,
            Scaling.SizeMeasures.ToName(options.SizeMeasure),
            SuiteInfo.Version,
            checkpoint.Manifest.MaxContext,
            checkpoint.Manifest.Bos);
    }

    public bool Equals(UnitKey? other) =>
        other is not null
        && Checkpoint == other.Checkpoint
        && Task == other.Task
        && Control == other.Control
        && OnnxSha256 == other.OnnxSha256
        && TokenizerSha256.Count == other.TokenizerSha256.Count
        && TokenizerSha256.All(kv => other.TokenizerSha256.TryGetValue(kv.Key, out var v) && v == kv.Value)
        && TaskDataSha256 == other.TaskDataSha256
        && Format == other.Format
        && Limit == other.Limit
        && Shots == other.Shots
        && ShotSeed == other.ShotSeed
        && SizeMeasure == other.SizeMeasure
        && SuiteVersion == other.SuiteVersion
        && MaxContext == other.MaxContext
        && Bos == other.Bos;

    public override int GetHashCode() => HashCode.Combine(Checkpoint, Task, Control, OnnxSha256, TaskDataSha256, Limit, SuiteVersion);
}
