using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// A test double whose logits at each position are a fixed row chosen by the token at that position
/// (so they predict the next token from the previous one). Padding positions get NaN, which the scorer must never read.
/// </summary>
internal sealed class FixedLogitsModel(float[][] table, int maxContext = 64) : ICausalLanguageModel
{
    /// <summary>Rows by previous token: 0 → [2,1,0,−1], 1 → uniform, 2 → [1,3,0,0], 3 → [0,−1,2,1].</summary>
    public static float[][] HandTable =>
    [
        [2, 1, 0, -1],
        [0, 0, 0, 0],
        [1, 3, 0, 0],
        [0, -1, 2, 1],
    ];

    public int VocabularySize => table.Length;

    public int MaxContext => maxContext;

    /// <summary>Claims a gathered head: <see cref="ICausalLanguageModel.ForwardAt"/> (the interface's, picking rows) is then what the scorer calls.</summary>
    public bool GathersLogits { get; init; }

    /// <summary>Every batch run: rows and padded length.</summary>
    public List<(int Rows, int Length)> Batches { get; } = [];

    public void Forward(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        Batches.Add((lengths.Length, sequenceLength));
        var vocabulary = table.Length;
        var logits = new float[lengths.Length * sequenceLength * vocabulary];
        Array.Fill(logits, float.NaN);
        for (var row = 0; row < lengths.Length; row++)
        {
            for (var t = 0; t < lengths[row]; t++)
            {
                var token = tokens[row * sequenceLength + t];
                table[token].CopyTo(logits, (row * sequenceLength + t) * vocabulary);
            }
        }
        consume(logits);
    }

    public void Dispose()
    {
    }
}
