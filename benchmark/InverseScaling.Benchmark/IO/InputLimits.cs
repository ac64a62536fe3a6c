namespace InverseScaling.Benchmark.IO;

/// <summary>
/// The largest inputs the suite reads. Every reader is bounded by one of these, so no file (or device, or pipe) can make a
/// run read without end. The README's reliability section lists them.
/// </summary>
internal static class InputLimits
{
    /// <summary>family.json, task.json, shard.json, summary.json: small hand-written or generated documents.</summary>
    public const long ManifestBytes = 4L << 20;

    /// <summary>A baseline snapshot (<c>*.verified.json</c>) and its per-example sidecar.</summary>
    public const long BaselineBytes = 64L << 20;

    /// <summary>Tokenizer files: tokenizer.json of a 262k vocabulary is about 33 MB.</summary>
    public const long TokenizerBytes = 256L << 20;

    /// <summary>One line of a JSONL file, or one record of a CSV file.</summary>
    public const int LineBytes = 1 << 20;

    /// <summary>An ONNX model file (<c>onnx</c>, <c>onnxWithPast</c>): protobuf cannot hold more than 2 GiB; larger weights live in external data.</summary>
    public const long ModelBytes = 2L << 30;

    /// <summary>An ONNX model's external data file (<c>model.onnx.data</c>).</summary>
    public const long ModelDataBytes = 512L << 30;

    /// <summary>A task data file.</summary>
    public const long TaskFileBytes = 2L << 30;
}
