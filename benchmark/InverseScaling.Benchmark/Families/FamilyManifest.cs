using System.Text.Json.Serialization;

namespace InverseScaling.Benchmark.Families;

/// <summary>A family of checkpoints of one architecture at several sizes: the contents of <c>family.json</c>.</summary>
public sealed record FamilyManifest(
    int SchemaVersion,
    string Name,
    string? Description,
    IReadOnlyList<CheckpointManifest> Checkpoints)
{
    public const int CurrentSchemaVersion = 1;
}

/// <summary>One checkpoint of a family, as listed in <c>family.json</c>. File paths are relative to the manifest.</summary>
/// <param name="Tiktoken">A tiktoken encoding (<c>gpt2</c>, <c>r50k_base</c>, <c>cl100k_base</c>, <c>o200k_base</c>) as the tokenizer, or as the split pattern of <c>files.tiktoken</c>.</param>
public sealed record CheckpointManifest(
    string Name,
    long NonEmbeddingParameters,
    long Parameters,
    long? TrainingTokens,
    double? TrainingFlops,
    double? ValidationLoss,
    int MaxContext,
    BosSpec Bos,
    CheckpointFiles Files,
    string? Tiktoken = null);

/// <summary>What a scorer puts before a context. <c>none</c>: nothing, <see cref="Token"/> only before an empty context; <c>always</c>: <see cref="Token"/> before every context.</summary>
public sealed record BosSpec(string Policy, string? Token)
{
    public const string None = "none";
    public const string Always = "always";
}

/// <summary>
/// The files of a checkpoint. The tokenizer is <c>vocab</c>+<c>merges</c>, <c>tokenizerJson</c>, <c>sentencePiece</c> or
/// <c>tiktoken</c> (a <c>*.tiktoken</c> file; or no file and the checkpoint's <c>tiktoken</c> encoding name).
/// </summary>
public sealed record CheckpointFiles(
    FileRef Onnx,
    FileRef? Vocab = null,
    FileRef? Merges = null,
    FileRef? TokenizerJson = null,
    FileRef? SentencePiece = null,
    FileRef? OnnxWithPast = null,
    FileRef? Tiktoken = null);

/// <summary>A file and the sha256 (lowercase hex) it must have.</summary>
/// <param name="Data">For an ONNX file: the external-data files that hold its weights (paths relative to family.json).</param>
public sealed record FileRef(string Path, string? Sha256, IReadOnlyList<FileRef>? Data = null)
{
    /// <summary>
    /// The sha256 that stands for the model's content: the file's own, or, with external data, one sha256 over the file's
    /// and each data file's, so a changed weight file changes every key built on it.
    /// </summary>
    /// <param name="path">The resolved file; used when the manifest gives no sha256.</param>
    /// <param name="dataPaths">The resolved data files, in <see cref="Data"/>'s order.</param>
    /// <param name="hash">Hashes a file whose entry has no sha256.</param>
    public string ContentSha256(string path, IReadOnlyList<string> dataPaths, Func<string, string> hash)
    {
        var own = Sha256?.ToLowerInvariant() ?? hash(path);
        if (Data is not { Count: > 0 } data) return own;
        var text = new System.Text.StringBuilder(own);
        for (var i = 0; i < data.Count; i++) text.Append('\n').Append(data[i].Sha256?.ToLowerInvariant() ?? hash(dataPaths[i]));
        return IO.FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }
}

/// <summary>A checkpoint resolved on disk: the manifest entry, the family it belongs to and absolute paths.</summary>
public sealed record Checkpoint(string Family, CheckpointManifest Manifest, string OnnxPath, string? OnnxWithPastPath, TokenizerFiles Tokenizer)
{
    public string Name => Manifest.Name;

    /// <summary>Absolute paths of the ONNX file's external-data files (<c>files.onnx.data</c>).</summary>
    public IReadOnlyList<string> OnnxData { get; init; } = [];

    /// <summary>Absolute paths of the with-past export's external-data files (<c>files.onnxWithPast.data</c>).</summary>
    public IReadOnlyList<string> OnnxWithPastData { get; init; } = [];
}

/// <summary>
/// Absolute paths of a checkpoint's tokenizer files. <see cref="TiktokenEncoding"/> names a tiktoken encoding: alone, the
/// ranks shipped with the suite; with <see cref="Tiktoken"/>, that file's ranks under the encoding's split pattern.
/// </summary>
public sealed record TokenizerFiles(string? Vocab, string? Merges, string? TokenizerJson, string? SentencePiece,
    string? Tiktoken = null, string? TiktokenEncoding = null);
