namespace InverseScaling.Benchmark.Metrics;

/// <summary>The mean of a per-example metric and its standard error (sample standard deviation / √n).</summary>
public sealed record MetricValue(double Mean, double StandardError, int Count);

/// <summary>The names of the metrics the suite reports, as files write them; <see cref="Formats.MetricCatalog"/> gives each one's direction.</summary>
public static class MetricNames
{
    public const string Accuracy = "accuracy";
    public const string Loss = "loss";
    public const string TotalLogProbability = "total_logprob";

    /// <summary>logodds and absolute_logodds formats: the (signed or absolute) log-odds difference between the two prompts.</summary>
    public const string LogOddsDifference = "logodds_difference";
}

/// <summary>A checkpoint's metrics on one task, keyed by metric name.</summary>
public sealed record CheckpointMetrics(string Checkpoint, double Size, IReadOnlyDictionary<string, MetricValue> Metrics);
