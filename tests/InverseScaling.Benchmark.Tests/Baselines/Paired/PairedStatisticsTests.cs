using InverseScaling.Benchmark.Baselines.Paired;

namespace InverseScaling.Benchmark.Tests.Baselines.Paired;

/// <summary>
/// The paired arithmetic against values worked out by hand. Student's t quantiles for one and two degrees of freedom have
/// closed forms (1 df: tan(π(p − ½)); 2 df: (2p − 1) / √(2p(1 − p))), so these tests do not lean on the library they check.
/// </summary>
public sealed class PairedStatisticsTests
{
    private const double Tight = 1e-12;

    internal static double T1(double p) => Math.Tan(Math.PI * (p - 0.5));

    internal static double T2(double p) => (2 * p - 1) / Math.Sqrt(2 * p * (1 - p));

    [Fact]
    public void Mean_and_standard_error_of_four_differences()
    {
        // mean 0.25; deviations ∓0.15, ∓0.05: Σ² = 0.05, variance 0.05/3, SE = √(0.05/3)/2.
        var (mean, error) = PairedStatistics.MeanAndStandardError([0.1, 0.2, 0.3, 0.4]);

        Assert.Equal(0.25, mean, Tight);
        Assert.Equal(Math.Sqrt(0.05 / 3) / 2, error, Tight);
        Assert.Equal(0.064549722436790, error, 1e-14);
    }

    [Fact]
    public void Two_differences_get_the_t_interval_on_one_degree_of_freedom()
    {
        // mean 0.3; sd = |0.5 − 0.1| / √2; SE = sd / √2 = 0.2; t(0.975, 1) = tan(0.475π) = 12.7062…
        var estimate = PairedStatistics.Interval([0.5, 0.1], tail: 0.025);

        Assert.Equal(2, estimate.Count);
        Assert.Equal(0.3, estimate.Mean, Tight);
        Assert.Equal(0.2, estimate.StandardError, Tight);
        Assert.Equal(12.706204736174707, T1(0.975), 1e-9);
        Assert.Equal(0.3 - T1(0.975) * 0.2, estimate.Low, 1e-9);
        Assert.Equal(0.3 + T1(0.975) * 0.2, estimate.High, 1e-9);
        Assert.True(estimate.HasInterval);
    }

    [Fact]
    public void Three_differences_get_the_t_interval_on_two_degrees_of_freedom()
    {
        // mean 3; deviations −2, −1, 3: Σ² = 14, variance 7, SE = √(7/3); t(0.975, 2) = 0.95 / √0.04875 = 4.3027.
        var estimate = PairedStatistics.Interval([1.0, 2.0, 6.0], tail: 0.025);

        Assert.Equal(3, estimate.Mean, Tight);
        Assert.Equal(Math.Sqrt(7.0 / 3), estimate.StandardError, Tight);
        Assert.Equal(4.302652729749464, T2(0.975), 1e-12);
        Assert.Equal(3 - T2(0.975) * Math.Sqrt(7.0 / 3), estimate.Low, 1e-9);
        Assert.Equal(3 + T2(0.975) * Math.Sqrt(7.0 / 3), estimate.High, 1e-9);
    }

    [Fact]
    public void One_difference_has_no_interval_and_no_NaN()
    {
        var estimate = PairedStatistics.Interval([0.5], tail: 0.025);

        Assert.Equal(1, estimate.Count);
        Assert.Equal(0.5, estimate.Mean);
        Assert.Equal(double.PositiveInfinity, estimate.StandardError);
        Assert.Equal(double.NegativeInfinity, estimate.Low);
        Assert.Equal(double.PositiveInfinity, estimate.High);
        Assert.False(estimate.HasInterval);

        var bootstrap = PairedStatistics.BootstrapMean([0.5], tail: 0.025, resamples: 100, seed: 1, TestContext.Current.CancellationToken);
        Assert.Equal(0.5, bootstrap.Mean);
        Assert.False(bootstrap.HasInterval);
        Assert.False(double.IsNaN(bootstrap.StandardError));
    }

    [Fact]
    public void Equal_differences_give_a_point_interval()
    {
        var estimate = PairedStatistics.Interval([0.0, 0.0, 0.0], tail: 0.025);
        Assert.Equal(new PairedEstimate(3, 0, 0, 0, 0), estimate);

        var shifted = PairedStatistics.Interval([2e-6, 2e-6], tail: 0.025);
        Assert.Equal((2e-6, 0.0, 2e-6, 2e-6), (shifted.Mean, shifted.StandardError, shifted.Low, shifted.High));
    }

    [Fact]
    public void The_bootstrap_is_seeded_brackets_the_mean_and_stays_inside_the_data()
    {
        double[] contributions = [0.15, 0.25, 0.2, -0.1, 0.4, 0.05];
        var first = PairedStatistics.BootstrapMean(contributions, tail: 0.025, resamples: 2000, seed: 2023, TestContext.Current.CancellationToken);
        var again = PairedStatistics.BootstrapMean(contributions, tail: 0.025, resamples: 2000, seed: 2023, TestContext.Current.CancellationToken);
        var other = PairedStatistics.BootstrapMean(contributions, tail: 0.025, resamples: 2000, seed: 7, TestContext.Current.CancellationToken);

        Assert.Equal(first, again);
        Assert.NotEqual(first.Low, other.Low);
        Assert.Equal(0.95 / 6, first.Mean, Tight);
        Assert.Equal(PairedStatistics.MeanAndStandardError(contributions).StandardError, first.StandardError);
        Assert.InRange(first.Low, -0.1, first.Mean);
        Assert.InRange(first.High, first.Mean, 0.4);

        var equal = PairedStatistics.BootstrapMean([0.2, 0.2, 0.2], tail: 0.025, resamples: 500, seed: 1, TestContext.Current.CancellationToken);
        Assert.Equal(0.2, equal.Low, 1e-15);
        Assert.Equal(0.2, equal.High, 1e-15);
    }

    [Fact]
    public void Slope_weights_are_the_least_squares_weights_on_log10_size()
    {
        // x = 1, 3: x̄ = 2, Sxx = 2 → ∓0.5. x = 1, 2, 3: Sxx = 2 → −0.5, 0, 0.5.
        var two = PairedStatistics.SlopeWeights([10, 1000]);
        Assert.Equal(-0.5, two[0], Tight);
        Assert.Equal(0.5, two[1], Tight);
        var three = PairedStatistics.SlopeWeights([10, 100, 1000]);
        Assert.Equal(-0.5, three[0], Tight);
        Assert.Equal(0, three[1], Tight);
        Assert.Equal(0.5, three[2], Tight);
        Assert.Throws<ArgumentException>(() => PairedStatistics.SlopeWeights([10]));
        Assert.Throws<ArgumentException>(() => PairedStatistics.SlopeWeights([10, 10]));
        Assert.Throws<ArgumentException>(() => PairedStatistics.SlopeWeights([10, 0]));
    }

    [Fact]
    public void Refuses_what_it_cannot_compute()
    {
        Assert.Throws<ArgumentException>(() => PairedStatistics.MeanAndStandardError([]));
        Assert.Throws<ArgumentException>(() => PairedStatistics.MeanAndStandardError([1, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedStatistics.Interval([1, 2], tail: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairedStatistics.Interval([1, 2], tail: 0));
    }
}
