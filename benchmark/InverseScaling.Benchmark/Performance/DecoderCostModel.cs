using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Performance;

/// <summary>A scorer's forward-pass FLOPs by where they went (see <see cref="DecoderCostModel"/>).</summary>
/// <param name="Body">The blocks' weight matrices at every real token run.</param>
/// <param name="Head">The output projection at every real position whose logits were computed.</param>
/// <param name="Attention">QKᵀ and attention × V over (query, visible key) pairs.</param>
/// <param name="Padding">Padding slots run: the body, and the head where it ran over whole batches. Not in <see cref="Total"/>.</param>
/// <param name="ScoredHead">The output projection at the scored positions only: the least head work the requests need.</param>
public sealed record CostSplit(double Body, double Head, double Attention, double Padding, double ScoredHead)
{
    /// <summary>Body + head at every computed position + attention: the work counted by <see cref="ForwardFlops"/>.</summary>
    public double Total => Body + Head + Attention;

    /// <summary>Body + attention + the head only where scored: the work the results need.</summary>
    public double Useful => Body + Attention + ScoredHead;

    /// <summary>The head's part of <see cref="Total"/>.</summary>
    public double HeadShare => Total > 0 ? Head / Total : 0;

    /// <summary>The head's part of <see cref="Useful"/>.</summary>
    public double ScoredHeadShare => Useful > 0 ? ScoredHead / Useful : 0;

    public CostSplit Add(CostSplit other) => new(Body + other.Body, Head + other.Head, Attention + other.Attention, Padding + other.Padding, ScoredHead + other.ScoredHead);
}

/// <summary>
/// The cost of a decoder-only transformer's forward pass in four parts: the body, 2·N_nonemb FLOPs per token run (every
/// block's weight matrices); the head, 2·d·V per position whose logits are computed; attention, 4·L·d_attn per
/// (query, visible key) pair, the only part quadratic in the sequence; and padding, the body (and the head, where the
/// model computes logits over the whole batch) at slots that hold no token. The head costs as much as
/// <see cref="HeadToBody"/> tokens' bodies: 0.45 for GPT-2 small (d = 768, V = 50,257), 1.37 with a 151,936 vocabulary.
/// </summary>
/// <param name="Attention">Layers and attention width; null when unknown (attention then counts 0).</param>
public sealed record DecoderCostModel(long NonEmbeddingParameters, int Width, int Vocabulary, KeyValueShape? Attention)
{
    public static DecoderCostModel From(ForwardFlops flops)
    {
        ArgumentNullException.ThrowIfNull(flops);
        return new(flops.NonEmbeddingParameters, flops.Width, flops.Vocabulary, flops.Attention);
    }

    public double BodyPerToken => 2.0 * NonEmbeddingParameters;

    public double HeadPerPosition => 2.0 * Width * Vocabulary;

    public double AttentionPerPair => Attention is { } a ? 4.0 * a.Layers * a.Width : 0;

    /// <summary>One position's head over one token's body.</summary>
    public double HeadToBody => HeadPerPosition / BodyPerToken;

    /// <summary>
    /// Splits what a scorer ran. The head ran at the padding too when it ran at every real token
    /// (<see cref="ScoringStatistics.LogitPositions"/> ≥ <see cref="ScoringStatistics.Tokens"/>: logits over whole batches).
    /// </summary>
    /// <param name="scoredPositions">Positions whose log-probabilities the requests read (Σ continuation lengths).</param>
    public CostSplit Split(ScoringStatistics statistics, long scoredPositions)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentOutOfRangeException.ThrowIfNegative(scoredPositions);
        var headOnPadding = statistics.Tokens > 0 && statistics.LogitPositions >= statistics.Tokens;
        return new CostSplit(
            BodyPerToken * statistics.Tokens,
            HeadPerPosition * statistics.LogitPositions,
            AttentionPerPair * statistics.AttentionPairs,
            statistics.PaddedTokens * (BodyPerToken + (headOnPadding ? HeadPerPosition : 0)),
            HeadPerPosition * scoredPositions);
    }
}
