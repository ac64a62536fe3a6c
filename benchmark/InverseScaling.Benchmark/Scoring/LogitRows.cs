namespace InverseScaling.Benchmark.Scoring;

/// <summary>Rows of a logits tensor [positions, vocabulary], picked by flat position.</summary>
internal static class LogitRows
{
    /// <summary>The rows at <paramref name="positions"/>, in that order, row-major [positions, vocabulary].</summary>
    public static float[] Select(ReadOnlySpan<float> logits, IReadOnlyList<long> positions, int vocabulary)
    {
        var rows = logits.Length / vocabulary;
        var selected = new float[positions.Count * vocabulary];
        for (var i = 0; i < positions.Count; i++)
        {
            if ((ulong)positions[i] >= (ulong)rows) throw new ArgumentOutOfRangeException(nameof(positions), positions[i], $"the logits hold {rows} positions");
            logits.Slice((int)positions[i] * vocabulary, vocabulary).CopyTo(selected.AsSpan(i * vocabulary));
        }
        return selected;
    }
}
