using Google.Protobuf;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// Opens a decoder's session on a model derived from its file in memory (a graph edit; no weights copied but those of a
/// file without external data, which are read beside the file): the output head gathered at chosen positions
/// (<see cref="HeadGatherRewriter"/>) when the options ask for it, with the targets read there scored inside the model
/// (<see cref="TargetScoreRewriter"/>) when they ask for that too, and a with-past export's past rows gathered inside the
/// model (<see cref="PastRowGatherRewriter"/>). Each edit that cannot be made is left out, and its fallback says why; with
/// neither, the file itself is opened.
/// </summary>
/// <param name="GatheredHead">The head runs only at the positions asked for.</param>
/// <param name="HeadFallback">Why the head is not gathered although the options asked for it; null when it is, or was not asked for.</param>
/// <param name="GatheredRows">The model takes <see cref="PastRowGatherRewriter.RowsInput"/>.</param>
/// <param name="RowsFallback">Why a with-past export's past rows are gathered on the host; null when they are not, were not asked for, or it is not a with-past export.</param>
internal sealed record DecoderSession(InferenceSession Session, bool GatheredHead, string? HeadFallback, bool GatheredRows, string? RowsFallback)
{
    /// <summary>The model scores the targets at its gathered positions (<see cref="TargetScoreRewriter"/>).</summary>
    public bool ScoresTargets { get; init; }

    /// <summary>Why the model does not score targets although <see cref="OnnxModelOptions.ScoresTargetsInModel"/> asked it to; null when it does, or was not asked.</summary>
    public string? ScoreFallback { get; init; }

    /// <exception cref="BenchmarkInputException">The file cannot be loaded at all.</exception>
    public static DecoderSession Open(string path, OnnxModelOptions options, string field, bool withPast)
    {
        var (head, rows, score) = (options.GatherLogits, withPast && options.GathersCacheRowsInModel, options.ScoresTargetsInModel);
        DecoderSession File(string? why) => new(OnnxSessions.Open(path, options, field), false, head ? why : null, false, rows ? why : null) { ScoreFallback = score ? why : null };
        if (!head && !rows) return File(null);
        if (new FileInfo(path).Length > OnnxModelFile.MaxBytes) return File("the file is larger than 2 GiB");

        byte[] derived;
        string? headReason, rowsReason, scoreReason;
        try
        {
            var model = OnnxModelFile.Read(path, field);
            headReason = head ? HeadGatherRewriter.TryRewrite(model, DecoderSignature.Logits) : null;
            scoreReason = !score ? null : headReason is null ? TargetScoreRewriter.TryRewrite(model, DecoderSignature.Logits) : "the head is not gathered";
            rowsReason = rows ? PastRowGatherRewriter.TryRewrite(model) : null;
            if ((!head || headReason is not null) && (!rows || rowsReason is not null))
            {
                return new(OnnxSessions.Open(path, options, field), false, headReason, false, rowsReason) { ScoreFallback = scoreReason };
            }
            derived = model.ToByteArray();
        }
        catch (BenchmarkInputException)
        {
            // Not readable as a whole ONNX model here: ONNX Runtime's own message on opening it says more.
            return File("the file cannot be read as one ONNX model");
        }

        try
        {
            return new(OnnxSessions.Open(derived, path, options, field), head && headReason is null, headReason, rows && rowsReason is null, rowsReason)
            {
                ScoresTargets = score && scoreReason is null,
                ScoreFallback = scoreReason,
            };
        }
        catch (BenchmarkInputException e)
        {
            // The derived graph failed where the file may not: open the file, which fails with its own message if it is broken too.
            return File($"ONNX Runtime refused the derived graph ({OnnxModelFile.FirstLine(e.InnerException?.Message ?? e.Message)})");
        }
    }
}
