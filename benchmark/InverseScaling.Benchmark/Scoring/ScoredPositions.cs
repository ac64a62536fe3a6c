namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The positions of a batch [rows, padded length] whose logits are read, each once and in row-major order, as flat
/// indices (row × padded length + position); and for each row's targets, in their order, the index of its position among them.
/// </summary>
internal sealed record ScoredPositions(int[] Flat, int[][] TargetIndices)
{
    public static ScoredPositions Of(int rows, int paddedLength, Func<int, IReadOnlyList<ScoringTarget>> targets)
    {
        var flat = new List<int>();
        var targetIndices = new int[rows][];
        var index = new int[paddedLength];
        for (var row = 0; row < rows; row++)
        {
            var read = targets(row);
            Array.Fill(index, -1);
            foreach (var target in read) index[target.Position] = 0;
            for (var position = 0; position < paddedLength; position++)
            {
                if (index[position] < 0) continue;
                index[position] = flat.Count;
                flat.Add(row * paddedLength + position);
            }
            targetIndices[row] = new int[read.Count];
            for (var t = 0; t < read.Count; t++) targetIndices[row][t] = index[read[t].Position];
        }
        return new ScoredPositions([.. flat], targetIndices);
    }
}
