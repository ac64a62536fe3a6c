namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The positions of a batch [rows, padded length] whose logits are read, each once and in row-major order, as flat
/// indices (row × padded length + position); for each row's targets, in their order, the index of its position among
/// them (<see cref="TargetIndices"/>) and of its score in <see cref="Targets"/> (<see cref="TargetSlots"/>); and the
/// distinct tokens read at each position (<see cref="Targets"/>).
/// </summary>
internal sealed record ScoredPositions(int[] Flat, int[][] TargetIndices, int[][] TargetSlots, TargetIds Targets)
{
    /// <param name="positionOf">A target's position in its row; default <see cref="ScoringTarget.Position"/>.</param>
    public static ScoredPositions Of(int rows, int paddedLength, Func<int, IReadOnlyList<ScoringTarget>> targets, Func<ScoringTarget, int>? positionOf = null)
    {
        positionOf ??= t => t.Position;
        var flat = new List<int>();
        var tokens = new List<List<int>>();
        var targetIndices = new int[rows][];
        var targetSlots = new int[rows][];
        var index = new int[paddedLength];
        for (var row = 0; row < rows; row++)
        {
            var read = targets(row);
            Array.Fill(index, -1);
            foreach (var target in read) index[positionOf(target)] = 0;
            for (var position = 0; position < paddedLength; position++)
            {
                if (index[position] < 0) continue;
                index[position] = flat.Count;
                flat.Add(row * paddedLength + position);
                tokens.Add([]);
            }
            targetIndices[row] = new int[read.Count];
            var slots = new int[read.Count];
            for (var t = 0; t < read.Count; t++)
            {
                var at = targetIndices[row][t] = index[positionOf(read[t])];
                var slot = tokens[at].IndexOf(read[t].Token);
                if (slot < 0)
                {
                    slot = tokens[at].Count;
                    tokens[at].Add(read[t].Token);
                }
                slots[t] = slot;
            }
            targetSlots[row] = slots;
        }
        var ids = TargetIds.Of(tokens);
        for (var row = 0; row < rows; row++)
        {
            for (var t = 0; t < targetSlots[row].Length; t++) targetSlots[row][t] += targetIndices[row][t] * ids.PerPosition;
        }
        return new ScoredPositions([.. flat], targetIndices, targetSlots, ids);
    }
}
