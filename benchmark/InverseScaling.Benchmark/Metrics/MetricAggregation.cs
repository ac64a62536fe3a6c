using InverseScaling.Benchmark.Tasks;
using MathNet.Numerics.Statistics;

namespace InverseScaling.Benchmark.Metrics;

/// <summary>Per-example scores to per-checkpoint metrics: mean and standard error of each.</summary>
public static class MetricAggregation
{
    /// <summary>
    /// classification: accuracy, loss, total_logprob; sequence_prob: loss; logodds and absolute_logodds:
    /// logodds_difference (from <see cref="ExampleScore.Loss"/>), accuracy, total_logprob.
    /// </summary>
    public static IReadOnlyDictionary<string, MetricValue> Aggregate(TaskFormat format, IReadOnlyList<ExampleScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) throw new ArgumentException("no example scores to aggregate", nameof(scores));
        return MetricsOf(format).ToDictionary(metric => metric, metric => Summarize(Values(metric, scores)));
    }

    /// <summary>The metrics reported for a format, in a fixed order.</summary>
    public static IReadOnlyList<string> MetricsOf(TaskFormat format) => format switch
    {
        TaskFormat.Classification => [MetricNames.Accuracy, MetricNames.Loss, MetricNames.TotalLogProbability],
        TaskFormat.SequenceProb => [MetricNames.Loss],
        TaskFormat.LogOdds or TaskFormat.AbsoluteLogOdds => [MetricNames.LogOddsDifference, MetricNames.Accuracy, MetricNames.TotalLogProbability],
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown task format"),
    };

    /// <summary>Each example's value of <paramref name="metric"/>: what <see cref="Aggregate"/> averages and the scaling fit resamples.</summary>
    public static double[] Values(string metric, IReadOnlyList<ExampleScore> scores) => metric switch
    {
        MetricNames.Accuracy => scores.Select(Accuracy).ToArray(),
        MetricNames.Loss or MetricNames.LogOddsDifference => scores.Select(s => s.Loss).ToArray(),
        MetricNames.TotalLogProbability => scores.Select(TotalLogProbability).ToArray(),
        _ => throw new ArgumentException($"unknown metric '{metric}'", nameof(metric)),
    };

    /// <summary>Mean and standard error (sample standard deviation, n − 1, over √n); the error is NaN for a single value.</summary>
    public static MetricValue Summarize(IEnumerable<double> values)
    {
        var data = values.ToArray();
        if (data.Length == 0) throw new ArgumentException("no values to summarize", nameof(values));
        var standardError = data.Length == 1 ? double.NaN : ArrayStatistics.StandardDeviation(data) / Math.Sqrt(data.Length);
        return new MetricValue(ArrayStatistics.Mean(data), standardError, data.Length);
    }

    private static double Accuracy(ExampleScore score) => score.Correct switch
    {
        true => 1.0,
        false => 0.0,
        null => throw new ArgumentException($"example {score.Index} has no accuracy"),
    };

    private static double TotalLogProbability(ExampleScore score) =>
        score.TotalLogProbability ?? throw new ArgumentException($"example {score.Index} has no total_logprob");
}
