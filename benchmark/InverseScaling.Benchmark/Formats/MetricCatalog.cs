using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Formats;

/// <summary>Every metric the suite knows, with its better direction. Which format reports which is in <see cref="FormatCatalog"/>.</summary>
public static class MetricCatalog
{
    /// <summary>1 when the argmax class is the gold class, else 0.</summary>
    public static MetricSpec Accuracy { get; } = new(MetricNames.Accuracy, BetterDirection.Higher, ExampleScoreField.Correct);

    /// <summary>The gold class's normalised negative log-probability (classification), or the completion's (sequence_prob).</summary>
    public static MetricSpec Loss { get; } = new(MetricNames.Loss, BetterDirection.Lower, ExampleScoreField.Loss);

    /// <summary>logsumexp of the class log-probabilities: the probability mass on the label set.</summary>
    public static MetricSpec TotalLogProbability { get; } = new(MetricNames.TotalLogProbability, BetterDirection.Higher, ExampleScoreField.TotalLogProbability);

    /// <summary>The gold class's log-odds after <c>prompt</c> minus after <c>other_prompt</c> (absolute value for absolute_logodds).</summary>
    public static MetricSpec LogOddsDifference { get; } = new(MetricNames.LogOddsDifference, BetterDirection.Lower, ExampleScoreField.Loss);

    public static IReadOnlyList<MetricSpec> All { get; } = [Accuracy, Loss, TotalLogProbability, LogOddsDifference];

    /// <summary>The metric named <paramref name="name"/>, or null.</summary>
    public static MetricSpec? Find(string? name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>The metric named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such metric: a bug, since task cards and results are checked against this catalog.</exception>
    public static MetricSpec Get(string name) => Find(name)
        ?? throw new ArgumentException($"unknown metric '{name}' (known: {string.Join(", ", All.Select(m => m.Name))})", nameof(name));
}
