namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// A causal language model: next-token logits for a right-padded batch of token sequences.
/// Implementations: <see cref="OnnxDecoder"/>, and test doubles with fixed logits.
/// </summary>
internal interface ICausalLanguageModel : IDisposable
{
    int VocabularySize { get; }

    /// <summary>Longest sequence the model accepts.</summary>
    int MaxContext { get; }

    /// <summary>
    /// Runs the batch and hands the logits to <paramref name="consume"/> while they are alive.
    /// <paramref name="tokens"/> is row-major [batch, sequence], right-padded; <paramref name="lengths"/> gives each row's real length.
    /// The logits span is row-major [batch, sequence, vocabulary].
    /// </summary>
    void Forward(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken);

    /// <summary>True when <see cref="ForwardAt"/> computes the output head at the positions asked for only; false when it computes every position and picks those.</summary>
    bool GathersLogits => false;

    /// <summary>
    /// <see cref="Forward"/>'s logits at <paramref name="positions"/> only (flat indices row × <paramref name="sequenceLength"/>
    /// + position, in any order), row-major [positions, vocabulary].
    /// </summary>
    void ForwardAt(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, ReadOnlySpan<int> positions, LogitsConsumer consume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var at = Array.ConvertAll(positions.ToArray(), p => (long)p);
        var vocabulary = VocabularySize;
        Forward(tokens, lengths, sequenceLength, logits => consume(LogitRows.Select(logits, at, vocabulary)), cancellationToken);
    }

    /// <summary>True when the model scores targets itself (<see cref="ForwardScores"/>): only their log-probabilities leave it.</summary>
    bool ScoresTargets => false;

    /// <summary>
    /// The scores of <paramref name="targets"/> at <paramref name="positions"/> (as <see cref="ForwardAt"/>'s, one row of
    /// targets per position); computed on the host from <see cref="ForwardAt"/>'s logits unless <see cref="ScoresTargets"/>.
    /// </summary>
    void ForwardScores(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, ReadOnlySpan<int> positions, TargetIds targets,
        TargetScoresConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var vocabulary = VocabularySize;
        ForwardAt(tokens, lengths, sequenceLength, positions, logits => targets.Score(logits, vocabulary, consume), cancellationToken);
    }

    /// <summary>The model's key/value reuse, when it has it (a with-past export); null when every run starts from an empty past.</summary>
    IKeyValueLanguageModel? KeyValues => this as IKeyValueLanguageModel;
}

/// <summary>Receives a batch's logits, row-major [batch, sequence, vocabulary].</summary>
public delegate void LogitsConsumer(ReadOnlySpan<float> logits);
