using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>Opens the model a checkpoint is scored with: its with-past export when it lists one, else its plain export.</summary>
internal static class CheckpointModels
{
    /// <param name="preferWithPast">Open <c>files.onnxWithPast</c> when the checkpoint has it.</param>
    public static OnnxDecoder Open(Checkpoint checkpoint, OnnxModelOptions options, bool preferWithPast = true)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return preferWithPast && checkpoint.OnnxWithPastPath is { } withPast
            ? OnnxDecoder.Create(withPast, options, OnnxExport.WithPast)
            : OnnxDecoder.Create(checkpoint.OnnxPath, options);
    }

    /// <summary>The file <see cref="Open"/> reads, named in errors and cache keys.</summary>
    public static string PathOf(Checkpoint checkpoint, bool preferWithPast = true) =>
        preferWithPast && checkpoint.OnnxWithPastPath is { } withPast ? withPast : checkpoint.OnnxPath;
}
