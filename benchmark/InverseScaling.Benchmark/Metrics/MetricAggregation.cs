using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Tasks;
using MathNet.Numerics.Statistics;

namespace InverseScaling.Benchmark.Metrics;

/// <summary>Per-example scores to per-checkpoint metrics: mean and standard error of each metric the format reports.</summary>
internal static class MetricAggregation
{
    /// <summary>Every metric of <paramref name="format"/> (<see cref="FormatSpec.Metrics"/>, in that order).</summary>
    public static IReadOnlyDictionary<string, MetricValue> Aggregate(TaskFormat format, IReadOnlyList<ExampleScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) throw new ArgumentException("no example scores to aggregate", nameof(scores));
        return format.Spec().Metrics.ToDictionary(m => m.Name, m => Summarize(Values(m.Metric, scores)));
    }

    /// <summary>Each example's value of <paramref name="metric"/>: what <see cref="Aggregate"/> averages and the scaling fit resamples.</summary>
    /// <exception cref="ArgumentException">The metric is not in <see cref="MetricCatalog"/>.</exception>
    public static double[] Values(string metric, IReadOnlyList<ExampleScore> scores) => Values(MetricCatalog.Get(metric), scores);

    /// <inheritdoc cref="Values(string, IReadOnlyList{ExampleScore})"/>
    public static double[] Values(MetricSpec metric, IReadOnlyList<ExampleScore> scores) => metric.Source switch
    {
        ExampleScoreField.Correct => scores.Select(Accuracy).ToArray(),
        ExampleScoreField.Loss => scores.Select(s => s.Loss).ToArray(),
        ExampleScoreField.TotalLogProbability => scores.Select(TotalLogProbability).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric.Source, "unknown example score field"),
    };

    /// <summary>
    /// Mean and standard error (sample standard deviation, n − 1, over √n). One value has no spread to measure: its error is
    /// 0, never NaN, so a gate on it falls back to its smallest tolerance instead of a comparison NaN always passes.
    /// </summary>
    public static MetricValue Summarize(IEnumerable<double> values)
    {
        var data = values.ToArray();
        if (data.Length == 0) throw new ArgumentException("no values to summarize", nameof(values));
        var standardError = data.Length == 1 ? 0 : ArrayStatistics.StandardDeviation(data) / Math.Sqrt(data.Length);
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
