namespace InverseScaling.Benchmark.Scoring;

/// <summary>What a scorer has run so far, summed over its calls.</summary>
/// <param name="Requests">Requests answered.</param>
/// <param name="Sequences">Sequences sent to the model: contexts, continuations run on a cache, or whole context+continuation rows.</param>
/// <param name="Batches">Model calls.</param>
/// <param name="Tokens">Real tokens sent to the model.</param>
/// <param name="PaddedTokens">Padding slots sent to the model (a cache's padding not included).</param>
/// <param name="ModelTime">Time inside the model's forward pass, logits scoring included (summed over workers).</param>
public sealed record ScoringStatistics(long Requests, long Sequences, long Batches, long Tokens, long PaddedTokens, TimeSpan ModelTime)
{
    public static ScoringStatistics Empty { get; } = new(0, 0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Real positions whose logits (the output projection, or head) the model computed: with a gathered head, only the positions read.</summary>
    public long LogitPositions { get; init; }

    /// <summary>Model calls that computed the head at every position although the scorer asked for the scored ones only: the model could not gather them.</summary>
    public long FullHeadBatches { get; init; }

    /// <summary>Σ over real tokens run of the real positions each attends to (itself and every earlier real token, cached ones included).</summary>
    public long AttentionPairs { get; init; }

    /// <summary>Real tokens per second of model time (per worker when several ran at once).</summary>
    public double TokensPerSecond => ModelTime > TimeSpan.Zero ? Tokens / ModelTime.TotalSeconds : 0;

    /// <summary>The sum of two statistics, field by field.</summary>
    public ScoringStatistics Add(ScoringStatistics other) => new(
        Requests + other.Requests, Sequences + other.Sequences, Batches + other.Batches, Tokens + other.Tokens,
        PaddedTokens + other.PaddedTokens, ModelTime + other.ModelTime)
    {
        LogitPositions = LogitPositions + other.LogitPositions,
        AttentionPairs = AttentionPairs + other.AttentionPairs,
        FullHeadBatches = FullHeadBatches + other.FullHeadBatches,
    };
}
