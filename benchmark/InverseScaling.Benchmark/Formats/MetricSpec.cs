namespace InverseScaling.Benchmark.Formats;

/// <summary>Which way a metric improves.</summary>
public enum BetterDirection
{
    /// <summary>Larger values are better (accuracy, total_logprob).</summary>
    Higher,
    /// <summary>Smaller values are better (loss, logodds_difference).</summary>
    Lower,
}

/// <summary>The field of <see cref="Metrics.ExampleScore"/> a metric averages.</summary>
public enum ExampleScoreField
{
    /// <summary><see cref="Metrics.ExampleScore.Correct"/> as 1 or 0.</summary>
    Correct,
    /// <summary><see cref="Metrics.ExampleScore.Loss"/>: the format's loss, or the log-odds difference.</summary>
    Loss,
    /// <summary><see cref="Metrics.ExampleScore.TotalLogProbability"/>.</summary>
    TotalLogProbability,
}

/// <summary>A metric the suite reports: its name in files, the direction that is better, and what it averages.</summary>
public sealed record MetricSpec(string Name, BetterDirection Better, ExampleScoreField Source)
{
    public bool HigherIsBetter => Better == BetterDirection.Higher;
}
