using System.Buffers;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// The tokens whose log-probabilities are read at each of a batch's scored positions, row-major [positions,
/// <see cref="PerPosition"/>]: a position with fewer tokens repeats its first.
/// </summary>
internal sealed record TargetIds(long[] Ids, int PerPosition)
{
    public int Positions => Ids.Length / PerPosition;

    /// <summary>Packs each position's tokens (at least one each).</summary>
    public static TargetIds Of(IReadOnlyList<IReadOnlyList<int>> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var perPosition = tokens.Count == 0 ? 1 : tokens.Max(t => t.Count);
        var ids = new long[tokens.Count * perPosition];
        for (var p = 0; p < tokens.Count; p++)
        {
            if (tokens[p].Count == 0) throw new ArgumentException($"position {p} has no target", nameof(tokens));
            for (var k = 0; k < perPosition; k++) ids[p * perPosition + k] = tokens[p][k < tokens[p].Count ? k : 0];
        }
        return new TargetIds(ids, perPosition);
    }

    /// <summary>
    /// The scores of these targets from logits [<see cref="Positions"/>, vocabulary] on the host, as a model that scores
    /// them itself returns them: log-softmax in double at each target (NaN at a position whose logits are not all finite)
    /// and each position's first argmax.
    /// </summary>
    public void Score(ReadOnlySpan<float> logits, int vocabulary, TargetScoresConsumer consume)
    {
        ArgumentNullException.ThrowIfNull(consume);
        if (logits.Length != (long)Positions * vocabulary)
        {
            throw new InvalidOperationException($"the model returned {logits.Length} logits for {Positions} scored positions; expected {(long)Positions * vocabulary}");
        }
        var logProbabilities = new double[Ids.Length];
        var argmax = new long[Positions];
        var scratch = ArrayPool<double>.Shared.Rent(vocabulary);
        try
        {
            for (var p = 0; p < Positions; p++)
            {
                // One pass per position, however many of its tokens are read (every class's first token after a prompt).
                var row = logits.Slice(p * vocabulary, vocabulary);
                var scores = logProbabilities.AsSpan(p * PerPosition, PerPosition);
                argmax[p] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
                if (LogSoftmax.IndexOfNonFinite(row) >= 0)
                {
                    scores.Fill(double.NaN);
                    continue;
                }
                var logSum = LogSoftmax.LogSumExp(row, scratch, out var max);
                for (var k = 0; k < PerPosition; k++) scores[k] = ((double)row[(int)Ids[p * PerPosition + k]] - max) - logSum;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
        consume(logProbabilities, argmax);
    }
}

/// <summary>
/// Receives the scores of a batch's targets: log-probabilities [positions, targets per position], NaN at a position
/// whose logits were not all finite, and each position's first argmax token.
/// </summary>
public delegate void TargetScoresConsumer(ReadOnlySpan<double> logProbabilities, ReadOnlySpan<long> argmax);
