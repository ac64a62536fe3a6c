using InverseScaling.Benchmark.Randomness;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>
/// The mean of per-example differences with its standard error and a two-sided interval. With a single example there is
/// no estimate of spread: the standard error is +∞ and the interval the whole line, so nothing can be concluded from it.
/// </summary>
public readonly record struct PairedEstimate(int Count, double Mean, double StandardError, double Low, double High)
{
    /// <summary>True when the interval is finite (two or more examples).</summary>
    public bool HasInterval => double.IsFinite(Low) && double.IsFinite(High);
}

/// <summary>The arithmetic of the paired rule, on plain arrays.</summary>
internal static class PairedStatistics
{
    /// <summary>Mean and standard error (sample standard deviation, n − 1, over √n) of the differences; +∞ error for one value.</summary>
    /// <exception cref="ArgumentException">No values, or a value that is not finite.</exception>
    public static (double Mean, double StandardError) MeanAndStandardError(ReadOnlySpan<double> differences)
    {
        var n = differences.Length;
        if (n == 0) throw new ArgumentException("no differences", nameof(differences));
        var sum = 0.0;
        foreach (var d in differences)
        {
            if (!double.IsFinite(d)) throw new ArgumentException("the differences must be finite", nameof(differences));
            sum += d;
        }
        var mean = sum / n;
        if (n == 1) return (mean, double.PositiveInfinity);
        var squares = 0.0;
        foreach (var d in differences) squares += (d - mean) * (d - mean);
        return (mean, Math.Sqrt(squares / (n - 1) / n));
    }

    /// <summary>
    /// The mean difference with Student's t interval on n − 1 degrees of freedom: mean ± t(1 − <paramref name="tail"/>)·SE,
    /// so that each end is a one-sided bound at level <paramref name="tail"/>.
    /// </summary>
    /// <param name="tail">Probability outside each end, in (0, 0.5).</param>
    public static PairedEstimate Interval(ReadOnlySpan<double> differences, double tail)
    {
        RequireTail(tail);
        var (mean, error) = MeanAndStandardError(differences);
        var n = differences.Length;
        if (n == 1) return new PairedEstimate(1, mean, error, double.NegativeInfinity, double.PositiveInfinity);
        var half = error == 0 ? 0 : StudentT.InvCDF(0, 1, n - 1, 1 - tail) * error;
        return new PairedEstimate(n, mean, error, mean - half, mean + half);
    }

    /// <summary>
    /// The mean of per-example contributions with a percentile bootstrap interval (quantiles <paramref name="tail"/> and
    /// 1 − <paramref name="tail"/>, R7) over <paramref name="resamples"/> resamples of the examples drawn by
    /// <see cref="SplitMix64"/> from <paramref name="seed"/>. The standard error reported is the analytic one, for display.
    /// </summary>
    public static PairedEstimate BootstrapMean(ReadOnlySpan<double> contributions, double tail, int resamples, ulong seed, CancellationToken cancellationToken = default)
    {
        RequireTail(tail);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var (mean, error) = MeanAndStandardError(contributions);
        var n = contributions.Length;
        if (n == 1) return new PairedEstimate(1, mean, error, double.NegativeInfinity, double.PositiveInfinity);

        var means = new double[resamples];
        var random = new SplitMix64(seed);
        for (var r = 0; r < resamples; r++)
        {
            if ((r & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            var sum = 0.0;
            for (var i = 0; i < n; i++) sum += contributions[random.NextIndex(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        return new PairedEstimate(n, mean, error,
            SortedArrayStatistics.QuantileCustom(means, tail, QuantileDefinition.R7),
            SortedArrayStatistics.QuantileCustom(means, 1 - tail, QuantileDefinition.R7));
    }

    /// <summary>
    /// The weights w_k = (x_k − x̄) / Σ(x − x̄)² with x = log10(size): the least-squares slope of means m_k against x is
    /// Σ w_k·m_k, so a slope is linear in the per-example values and a change of slope is a mean of per-example changes.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two sizes, a size that is not positive and finite, or all sizes equal.</exception>
    public static double[] SlopeWeights(IReadOnlyList<double> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2) throw new ArgumentException("a slope needs at least two sizes", nameof(sizes));
        if (sizes.Any(s => !(s > 0) || double.IsInfinity(s))) throw new ArgumentException("sizes must be positive and finite", nameof(sizes));
        var x = sizes.Select(Math.Log10).ToArray();
        var mean = x.Average();
        var sxx = x.Sum(v => (v - mean) * (v - mean));
        if (sxx == 0) throw new ArgumentException("a slope needs at least two different sizes", nameof(sizes));
        return x.Select(v => (v - mean) / sxx).ToArray();
    }

    /// <summary>The two-sided confidence of an interval whose ends are one-sided bounds at <paramref name="tail"/>.</summary>
    public static double Confidence(double tail) => 1 - 2 * tail;

    private static void RequireTail(double tail)
    {
        if (!(tail is > 0 and < 0.5)) throw new ArgumentOutOfRangeException(nameof(tail), tail, "the tail probability must lie strictly between 0 and 0.5");
    }
}
