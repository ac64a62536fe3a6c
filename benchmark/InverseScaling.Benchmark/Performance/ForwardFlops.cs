using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Performance;

/// <summary>
/// Forward-pass FLOPs of a decoder, counted from what a scorer ran (<see cref="ScoringStatistics"/>):
/// <list type="bullet">
/// <item>2 · N_nonemb per token run (the blocks' weight matrices, N_nonemb from the manifest);</item>
/// <item>2 · d · V per position whose logits are computed (the output projection; d = model width, V = vocabulary);</item>
/// <item>4 · L · d_attn per (query, visible key) pair (QKᵀ and attention × V, L layers of width d_attn), when the
/// layer count is known.</item>
/// </list>
/// Real tokens only: padding, biases, norms, softmax and the masked half of a causal score matrix are not counted.
/// </summary>
/// <param name="NonEmbeddingParameters">N_nonemb.</param>
/// <param name="Width">d, the model width.</param>
/// <param name="Vocabulary">V.</param>
/// <param name="Attention">Layers and attention width, or null when unknown (attention then goes uncounted).</param>
public sealed record ForwardFlops(long NonEmbeddingParameters, int Width, int Vocabulary, KeyValueShape? Attention)
{
    /// <summary>
    /// For a GPT-2-style checkpoint (learned positions, output projection tied to the token embedding): the embedding
    /// parameters are d · (V + maxContext), so d = (parameters − non-embedding parameters) / (V + maxContext).
    /// </summary>
    public static ForwardFlops ForGpt2Style(CheckpointManifest manifest, int vocabulary, KeyValueShape? attention)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var embedding = manifest.Parameters - manifest.NonEmbeddingParameters;
        var width = (int)Math.Round((double)embedding / (vocabulary + manifest.MaxContext));
        if (attention is not null) width = attention.Width;
        return new ForwardFlops(manifest.NonEmbeddingParameters, width, vocabulary, attention);
    }

    public double Of(ScoringStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var flops = 2.0 * NonEmbeddingParameters * statistics.Tokens + 2.0 * Width * Vocabulary * statistics.LogitPositions;
        if (Attention is { } a) flops += 4.0 * a.Layers * a.Width * statistics.AttentionPairs;
        return flops;
    }

    /// <summary>The formula in words, for reports.</summary>
    public string Describe() =>
        $"2·N_nonemb per token run + 2·d·V per logits position (d = {Width}, V = {Vocabulary})"
        + (Attention is { } a ? $" + 4·L·d_attn per (query, visible key) pair (L = {a.Layers}, d_attn = {a.Width})" : " (attention not counted: layer count unknown)");
}
