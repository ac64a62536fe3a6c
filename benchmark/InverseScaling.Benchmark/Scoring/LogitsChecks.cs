using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The one check for NaN and infinite logits, made by the scorers on every real position a model returns (a
/// model's own output is never checked twice): the first bad position in row order is reported, naming the model file.
/// </summary>
internal static class LogitsChecks
{
    /// <summary>Logits [rows, <paramref name="paddedLength"/>, vocabulary], row r real at its first <paramref name="lengths"/>[r] positions.</summary>
    public static void ThrowIfNonFinite(string file, ReadOnlySpan<float> logits, ReadOnlySpan<int> lengths, int paddedLength, int vocabulary)
    {
        for (var row = 0; row < lengths.Length; row++)
        {
            var bad = LogSoftmax.IndexOfNonFinite(logits.Slice(row * paddedLength * vocabulary, lengths[row] * vocabulary));
            if (bad >= 0) throw NonFinite(file, row, bad / vocabulary, lengths.Length, paddedLength);
        }
    }

    /// <summary>Logits [flat positions, vocabulary] of a [rows, <paramref name="paddedLength"/>] batch, at <paramref name="positions"/> (row × padded length + position, row-major).</summary>
    public static void ThrowIfNonFiniteAt(string file, ReadOnlySpan<float> logits, ReadOnlySpan<int> positions, int rows, int paddedLength, int vocabulary)
    {
        var bad = LogSoftmax.IndexOfNonFinite(logits);
        if (bad >= 0) throw NonFinite(file, positions[bad / vocabulary] / paddedLength, positions[bad / vocabulary] % paddedLength, rows, paddedLength);
    }

    /// <summary>Next-token logits [rows, vocabulary] after prompts of <paramref name="lengths"/> tokens, run padded to <paramref name="paddedLength"/>.</summary>
    public static void ThrowIfNonFiniteNext(string file, ReadOnlySpan<float> logits, ReadOnlySpan<int> lengths, int paddedLength, int vocabulary)
    {
        var bad = LogSoftmax.IndexOfNonFinite(logits);
        if (bad >= 0) throw NonFinite(file, bad / vocabulary, lengths[bad / vocabulary] - 1, lengths.Length, paddedLength);
    }

    private static BenchmarkInputException NonFinite(string file, int row, int position, int rows, int paddedLength) => new(
        file,
        $"the model produced NaN or infinite logits at batch row {row}, position {position} of a [{rows}, {paddedLength}] batch",
        "check the export (fp16 overflow, a broken weight file); re-export the checkpoint in float32 and validate it against the framework's logits");
}
