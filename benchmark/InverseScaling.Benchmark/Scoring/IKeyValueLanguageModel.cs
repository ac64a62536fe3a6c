namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// A causal language model that keeps the keys and values of the tokens it has run (a with-past export), so that
/// text following a prompt runs without running the prompt again.
/// </summary>
internal interface IKeyValueLanguageModel : ICausalLanguageModel
{
    /// <summary>The cache's geometry: layers, attention heads and head size.</summary>
    KeyValueShape CacheShape { get; }

    /// <summary>True when <see cref="Prefill"/> computes the output projection at each row's last position only.</summary>
    bool PrefillComputesLastLogitsOnly { get; }

    /// <summary>
    /// Runs a batch of prompts from an empty cache and hands <paramref name="consume"/> the logits that follow each
    /// prompt, row-major [batch, vocabulary]. <paramref name="tokens"/> is row-major [batch, sequence], right-padded;
    /// <paramref name="lengths"/> gives each row's real length. Returns the rows' cache for <see cref="Extend"/>; the
    /// caller disposes it.
    /// </summary>
    IKeyValueCache Prefill(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a batch in which row i continues row <paramref name="cacheRows"/>[i] of <paramref name="cache"/> (rows may
    /// repeat), and hands <paramref name="consume"/> the logits of the new tokens, row-major [batch, sequence, vocabulary].
    /// <paramref name="tokens"/> is right-padded like <see cref="Prefill"/>'s.
    /// </summary>
    void Extend(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        LogitsConsumer consume, CancellationToken cancellationToken);

    /// <summary><see cref="Extend"/>'s logits at <paramref name="positions"/> only, as <see cref="ICausalLanguageModel.ForwardAt"/>.</summary>
    void ExtendAt(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        ReadOnlySpan<int> positions, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var at = Array.ConvertAll(positions.ToArray(), p => (long)p);
        var vocabulary = VocabularySize;
        Extend(cache, cacheRows, tokens, lengths, sequenceLength, logits => consume(LogitRows.Select(logits, at, vocabulary)), cancellationToken);
    }

    /// <summary><see cref="Prefill"/>, with the scores of <paramref name="targets"/> (one row of targets per prompt) in place of the logits, as <see cref="ICausalLanguageModel.ForwardScores"/>.</summary>
    IKeyValueCache PrefillScores(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, TargetIds targets, TargetScoresConsumer consume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var vocabulary = VocabularySize;
        return Prefill(tokens, lengths, sequenceLength, logits => targets.Score(logits, vocabulary, consume), cancellationToken);
    }

    /// <summary><see cref="ExtendAt"/>, with the scores of <paramref name="targets"/> in place of the logits, as <see cref="ICausalLanguageModel.ForwardScores"/>.</summary>
    void ExtendScores(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        ReadOnlySpan<int> positions, TargetIds targets, TargetScoresConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var vocabulary = VocabularySize;
        ExtendAt(cache, cacheRows, tokens, lengths, sequenceLength, positions, logits => targets.Score(logits, vocabulary, consume), cancellationToken);
    }
}

/// <summary>The keys and values a <see cref="IKeyValueLanguageModel.Prefill"/> left behind, one row per prompt.</summary>
internal interface IKeyValueCache : IDisposable
{
    int Rows { get; }

    /// <summary>Cached positions per row, padding included.</summary>
    int Length { get; }
}

/// <summary>Geometry of a key/value cache; <see cref="Width"/> = heads × head size is the attention width per layer.</summary>
public sealed record KeyValueShape(int Layers, int Heads, int HeadSize)
{
    public int Width => Heads * HeadSize;
}
