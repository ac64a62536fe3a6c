namespace InverseScaling.Benchmark.Metrics;

/// <summary>The mean of a per-example metric and its standard error (sample standard deviation / √n).</summary>
public sealed record MetricValue(double Mean, double StandardError, int Count);

/// <summary>Names and directions of the metrics the suite reports.</summary>
public static class MetricNames
{
    public const string Accuracy = "accuracy";
    public const string Loss = "loss";
    public const string TotalLogProbability = "total_logprob";

    /// <summary>logodds and absolute_logodds formats: the (signed or absolute) log-odds difference between the two prompts; lower is better, as a loss.</summary>
    public const string LogOddsDifference = "logodds_difference";

    /// <summary>True where a larger value is better.</summary>
    public static bool HigherIsBetter(string metric) => metric switch
    {
        Accuracy => true,
        TotalLogProbability => true,
        _ => false,
    };
}

/// <summary>A checkpoint's metrics on one task, keyed by metric name.</summary>
public sealed record CheckpointMetrics(string Checkpoint, double Size, IReadOnlyDictionary<string, MetricValue> Metrics);
