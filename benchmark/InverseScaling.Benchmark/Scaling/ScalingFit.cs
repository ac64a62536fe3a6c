namespace InverseScaling.Benchmark.Scaling;

/// <summary>The shape of a metric against model size, always read in the metric's "better" direction.</summary>
public enum Trend
{
    /// <summary>Worse with scale.</summary>
    Inverse,
    /// <summary>Better with scale.</summary>
    Positive,
    /// <summary>No change distinguishable from noise.</summary>
    Flat,
    /// <summary>Worse, then better.</summary>
    UShaped,
    /// <summary>Better, then worse.</summary>
    InvertedU,
}

/// <summary>
/// Least-squares fit of a metric against log10 of model size, with a bootstrap interval for the slope.
/// Slope is in metric units per decade of size.
/// </summary>
public sealed record ScalingFit(
    string Metric,
    double Slope,
    double Intercept,
    double SlopeLow,
    double SlopeHigh,
    double RSquared,
    int Points,
    Trend Trend,
    double? Chance)
{
    public double HalfWidth => (SlopeHigh - SlopeLow) / 2;
}
