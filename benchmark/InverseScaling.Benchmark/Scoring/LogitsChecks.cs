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

    /// <summary>Next-token logits [rows, vocabulary] after prompts of <paramref name="lengths"/> tokens, run padded to <paramref name="paddedLength"/>.</summary>
    public static void ThrowIfNonFiniteNext(string file, ReadOnlySpan<float> logits, ReadOnlySpan<int> lengths, int paddedLength, int vocabulary)
    {
        var bad = LogSoftmax.IndexOfNonFinite(logits);
        if (bad >= 0) throw NonFinite(file, bad / vocabulary, lengths[bad / vocabulary] - 1, lengths.Length, paddedLength);
    }

    /// <summary>
    /// Scores [positions, <paramref name="perPosition"/>] of a [rows, <paramref name="paddedLength"/>] batch, NaN where a
    /// position's logits were not all finite (<see cref="TargetIds.Score"/>); <paramref name="at"/> places a position.
    /// </summary>
    public static void ThrowIfNonFiniteScores(string file, ReadOnlySpan<double> scores, int perPosition, Func<int, (int Row, int Position)> at, int rows, int paddedLength)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            if (double.IsFinite(scores[i])) continue;
            var (row, position) = at(i / perPosition);
            throw NonFinite(file, row, position, rows, paddedLength);
        }
    }

    private static BenchmarkInputException NonFinite(string file, int row, int position, int rows, int paddedLength) => new(
        file,
        $"the model produced NaN or infinite logits at batch row {row}, position {position} of a [{rows}, {paddedLength}] batch",
        "check the export (fp16 overflow, a broken weight file); re-export the checkpoint in float32 and validate it against the framework's logits");
}
