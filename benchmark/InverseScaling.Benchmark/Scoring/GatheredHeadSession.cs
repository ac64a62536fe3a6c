using Google.Protobuf;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// Opens a decoder's session, with its output head gathered (<see cref="HeadGatherRewriter"/>) when the options ask for
/// it and the head can be found: the derived model is built in memory from the file each time it is opened (a graph
/// edit, no weights copied but those of a file without external data) and loaded from those bytes, its external data
/// read beside the file. Otherwise the file itself is opened, and <see cref="Fallback"/> says why.
/// </summary>
/// <param name="Fallback">Why the head is not gathered although the options asked for it; null when it is, or was not asked for.</param>
internal sealed record GatheredHeadSession(InferenceSession Session, bool Gathered, string? Fallback)
{
    /// <exception cref="BenchmarkInputException">The file cannot be loaded at all.</exception>
    public static GatheredHeadSession Open(string path, OnnxModelOptions options, string field)
    {
        if (!options.GatherLogits) return new(OnnxSessions.Open(path, options, field), false, null);
        if (new FileInfo(path).Length > OnnxModelFile.MaxBytes) return new(OnnxSessions.Open(path, options, field), false, "the file is larger than 2 GiB");

        byte[] derived;
        try
        {
            var model = OnnxModelFile.Read(path, field);
            var reason = HeadGatherRewriter.TryRewrite(model, DecoderSignature.Logits);
            if (reason is not null) return new(OnnxSessions.Open(path, options, field), false, reason);
            derived = model.ToByteArray();
        }
        catch (BenchmarkInputException)
        {
            // Not readable as a whole ONNX model here: ONNX Runtime's own message on opening it says more.
            return new(OnnxSessions.Open(path, options, field), false, "the file cannot be read as one ONNX model");
        }

        try
        {
            return new(OnnxSessions.Open(derived, path, options, field), true, null);
        }
        catch (BenchmarkInputException e)
        {
            // The derived graph failed where the file may not: open the file, which fails with its own message if it is broken too.
            return new(OnnxSessions.Open(path, options, field), false, $"ONNX Runtime refused the derived graph ({OnnxModelFile.FirstLine(e.InnerException?.Message ?? e.Message)})");
        }
    }
}
