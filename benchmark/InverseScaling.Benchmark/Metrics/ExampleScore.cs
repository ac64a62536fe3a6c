namespace InverseScaling.Benchmark.Metrics;

/// <summary>
/// One example scored on one checkpoint, in the prize's terms.
/// <see cref="Loss"/> is always set; the others depend on the format.
/// </summary>
/// <param name="ClassLogProbabilities">Summed log-probability of each class (raw, not normalised); for sequence_prob the completion's.</param>
/// <param name="Loss">classification: −log of the gold class's probability normalised over the classes; sequence_prob: −summed log-probability; logodds: the (signed or absolute) log-odds difference.</param>
/// <param name="Correct">argmax over the classes equals the gold index (ties go to the lowest index).</param>
/// <param name="Predicted">The argmax class.</param>
/// <param name="TotalLogProbability">logsumexp of the class log-probabilities: the mass on the label set.</param>
public sealed record ExampleScore(
    int Index,
    double Loss,
    bool? Correct,
    int? Predicted,
    double? TotalLogProbability,
    IReadOnlyList<double> ClassLogProbabilities);
