using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Scaling;

public sealed class ScalingFitterTests
{
    private static readonly double[] FiveDecades = [1e4, 1e5, 1e6, 1e7, 1e8];

    [Fact]
    public void Recovers_an_exact_line_in_log10_size()
    {
        // Three examples per checkpoint at line − 0.1, line, line + 0.1: the means lie on 0.9 − 0.05·log10(size).
        var values = FiveDecades
            .Select(s => new[] { -0.1, 0.0, 0.1 }.Select(d => 0.9 - 0.05 * Math.Log10(s) + d).ToArray())
            .ToArray();

        var fit = Fit(MetricNames.Accuracy, FiveDecades, values, chance: 0.5);

        Assert.Equal(-0.05, fit.Slope, 1e-12);
        Assert.Equal(0.9, fit.Intercept, 1e-12);
        Assert.Equal(1.0, fit.RSquared, 1e-12);
        // Every example falls by exactly 0.05 a decade, so every resample does too.
        Assert.Equal(-0.05, fit.SlopeLow, 1e-12);
        Assert.Equal(-0.05, fit.SlopeHigh, 1e-12);
        Assert.Equal(5, fit.Points);
        Assert.Equal(0.5, fit.Chance);
        Assert.Equal(MetricNames.Accuracy, fit.Metric);
        Assert.Equal(Trend.Inverse, fit.Trend);
    }

    [Fact]
    public void Matches_a_hand_computed_three_point_least_squares_fit()
    {
        // x = 1, 2, 4; means 0.5, 0.7, 0.6. x̄ = 7/3, ȳ = 0.6, Sxx = 14/3, Sxy = (−4/3)(−0.1) + (−1/3)(0.1) + (5/3)(0) = 0.1.
        // slope = 0.1 / (14/3) = 3/140; intercept = 0.6 − (3/140)(7/3) = 0.55;
        // R² = slope²·Sxx / SStot = (3/1400) / 0.02 = 3/28.
        double[] sizes = [10, 100, 10_000];
        double[][] values = [[0.4, 0.6], [0.6, 0.8], [0.5, 0.7]];

        var fit = Fit(MetricNames.Accuracy, sizes, values);

        Assert.Equal(3.0 / 140, fit.Slope, 1e-12);
        Assert.Equal(0.55, fit.Intercept, 1e-12);
        Assert.Equal(3.0 / 28, fit.RSquared, 1e-12);
        Assert.Null(fit.Chance);
    }

    [Fact]
    public void Sorts_checkpoints_by_size()
    {
        double[][] values = [[0.4, 0.6], [0.6, 0.8], [0.5, 0.7]];
        var sorted = Fit(MetricNames.Accuracy, [10, 100, 10_000], values);
        var shuffled = Fit(MetricNames.Accuracy, [10_000, 10, 100], [values[2], values[0], values[1]]);

        Assert.Equal(sorted, shuffled);
    }

    [Fact]
    public void Bootstrap_is_bit_identical_for_a_seed_and_differs_between_seeds()
    {
        var values = PairedNoisyLine(slope: -0.05, examples: 400);
        var options = ScalingOptions.Default with { Seed = 7 };

        var first = Fit(MetricNames.Accuracy, FiveDecades, values, options: options);
        var again = Fit(MetricNames.Accuracy, FiveDecades, values, options: options);
        var other = Fit(MetricNames.Accuracy, FiveDecades, values, options: options with { Seed = 8 });

        Assert.Equal(BitConverter.DoubleToInt64Bits(first.SlopeLow), BitConverter.DoubleToInt64Bits(again.SlopeLow));
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.SlopeHigh), BitConverter.DoubleToInt64Bits(again.SlopeHigh));
        Assert.NotEqual(first.SlopeLow, other.SlopeLow);
        Assert.NotEqual(first.SlopeHigh, other.SlopeHigh);
        Assert.Equal(first.Slope, other.Slope);
    }

    [Fact]
    public void Paired_interval_contains_the_true_slope_and_has_the_width_of_per_example_slopes()
    {
        // Per-example difficulty (±0.3) is shared by all checkpoints; per-checkpoint noise (±0.05) sums to zero on each one,
        // so the means lie exactly on the line. A paired bootstrap's slopes are means of the per-example slopes, so its
        // 95% interval is about slope ± 1.96 · sd(per-example slopes) / √n; the difficulty must not widen it.
        var values = PairedNoisyLine(slope: -0.05, examples: 400);

        var fit = Fit(MetricNames.Accuracy, FiveDecades, values);

        Assert.Equal(-0.05, fit.Slope, 1e-12);
        Assert.InRange(-0.05, fit.SlopeLow, fit.SlopeHigh);
        var x = FiveDecades.Select(Math.Log10).ToArray();
        var perExample = Enumerable.Range(0, 400)
            .Select(i => MathNet.Numerics.Fit.Line(x, values.Select(row => row[i]).ToArray()).B)
            .ToArray();
        var expectedHalfWidth = 1.96 * MathNet.Numerics.Statistics.Statistics.StandardDeviation(perExample) / Math.Sqrt(400);
        Assert.InRange(fit.HalfWidth, 0.85 * expectedHalfWidth, 1.15 * expectedHalfWidth);
    }

    [Fact]
    public void Two_examples_give_an_interval_from_one_example_slope_to_the_other()
    {
        // Resamples are {0,0}, {0,1} or {1,1}: slopes 0.02, 0.03 and 0.04. With 2,000 draws both tails are pure
        // {0,0} and {1,1} resamples, so the interval is exactly [0.02, 0.04].
        double[][] values = [[0.50, 0.50], [0.52, 0.54], [0.54, 0.58]];

        var fit = Fit(MetricNames.Accuracy, [1e6, 1e7, 1e8], values);

        Assert.Equal(0.03, fit.Slope, 1e-12);
        Assert.Equal(0.02, fit.SlopeLow, 1e-12);
        Assert.Equal(0.04, fit.SlopeHigh, 1e-12);
        Assert.Equal(Trend.Positive, fit.Trend);
    }

    [Fact]
    public void Labels_a_falling_accuracy_and_a_rising_loss_inverse()
    {
        var falling = Fit(MetricNames.Accuracy, FiveDecades, PairedNoisyLine(slope: -0.05, examples: 400));
        var risingLoss = Fit(MetricNames.Loss, FiveDecades, PairedNoisyLine(slope: 0.05, examples: 400));

        Assert.Equal(Trend.Inverse, falling.Trend);
        Assert.Equal(Trend.Inverse, risingLoss.Trend);
        Assert.True(risingLoss.SlopeLow > 0);
    }

    [Fact]
    public void Labels_a_rising_accuracy_and_a_falling_loss_positive()
    {
        var rising = Fit(MetricNames.Accuracy, FiveDecades, PairedNoisyLine(slope: 0.05, examples: 400));
        var fallingLoss = Fit(MetricNames.Loss, FiveDecades, PairedNoisyLine(slope: -0.05, examples: 400));

        Assert.Equal(Trend.Positive, rising.Trend);
        Assert.Equal(Trend.Positive, fallingLoss.Trend);
    }

    [Fact]
    public void Labels_noise_around_a_level_line_flat()
    {
        var fit = Fit(MetricNames.Accuracy, FiveDecades, PairedNoisyLine(slope: 0, examples: 400));

        Assert.Equal(0, fit.Slope, 1e-12);
        Assert.True(fit.SlopeLow < 0 && fit.SlopeHigh > 0);
        Assert.Equal(Trend.Flat, fit.Trend);
    }

    [Fact]
    public void Labels_a_dip_in_accuracy_U_shaped()
    {
        // Accuracies 0.8, 0.5, 0.4, 0.5, 0.8 over 100 examples: the quadratic is 0.4 + 0.1·(x − 6)², 0.4 deep at both
        // ends, far beyond 2 × the largest standard error (√(0.25·100/99)/10 ≈ 0.050).
        var values = Accuracies([0.8, 0.5, 0.4, 0.5, 0.8], examples: 100);

        var fit = Fit(MetricNames.Accuracy, FiveDecades, values);

        Assert.Equal(0, fit.Slope, 1e-12);
        Assert.Equal(Trend.UShaped, fit.Trend);
    }

    [Fact]
    public void Labels_a_dip_in_loss_inverted_U()
    {
        // The loss is lowest in the middle, so the better-direction metric peaks there: better, then worse.
        var values = Around([2.0, 1.5, 1.4, 1.5, 2.0], spread: 0.1, examples: 100);

        var fit = Fit(MetricNames.Loss, FiveDecades, values);

        Assert.Equal(Trend.InvertedU, fit.Trend);
    }

    [Fact]
    public void A_jump_at_the_largest_checkpoint_is_positive_not_U_shaped()
    {
        // 0.5, 0.5, 0.5, 0.5, 1.0: the quadratic 0.457 + 0.1·t + 0.0714·t² (t = x − 6) has its minimum at t = −0.7,
        // 0.121 below the fitted left end (> τ ≈ 0.1005), but no checkpoint mean lies below the ends, so it is no dip.
        var values = Accuracies([0.5, 0.5, 0.5, 0.5, 1.0], examples: 100);

        var fit = Fit(MetricNames.Accuracy, FiveDecades, values);

        Assert.Equal(0.1, fit.Slope, 1e-12);
        Assert.Equal(Trend.Positive, fit.Trend);
    }

    [Fact]
    public void A_shallow_dip_within_two_standard_errors_is_not_a_shape()
    {
        // 0.50, 0.45, 0.42, 0.45, 0.50: 0.08 deep, less than τ ≈ 0.1005.
        var values = Accuracies([0.50, 0.45, 0.42, 0.45, 0.50], examples: 100);

        var fit = Fit(MetricNames.Accuracy, FiveDecades, values);

        Assert.Equal(Trend.Flat, fit.Trend);
    }

    [Fact]
    public void Three_checkpoints_are_never_labelled_a_shape()
    {
        var values = Accuracies([0.8, 0.3, 0.8], examples: 100);

        var fit = Fit(MetricNames.Accuracy, [1e4, 1e6, 1e8], values);

        Assert.Equal(Trend.Flat, fit.Trend);
    }

    [Fact]
    public void Equal_values_everywhere_are_flat_with_a_zero_width_interval()
    {
        var values = FiveDecades.Select(_ => new[] { 0.1, 0.7, 0.3 }).ToArray();

        var fit = Fit(MetricNames.Accuracy, FiveDecades, values);

        Assert.Equal(0, fit.SlopeLow);
        Assert.Equal(0, fit.SlopeHigh);
        Assert.Equal(1, fit.RSquared);
        Assert.Equal(Trend.Flat, fit.Trend);
    }

    [Fact]
    public void Fewer_than_two_checkpoints_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Fit(MetricNames.Accuracy, [1e6], [[0.5, 0.6]]));

        Assert.Equal("a scaling fit needs at least two checkpoints of different sizes, got 1; add checkpoints to the family (Parameter 'sizes')", error.Message);
    }

    [Fact]
    public void Misaligned_examples_are_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => Fit(MetricNames.Accuracy, [1e6, 1e7], [[0.5, 0.6], [0.5]]));

        Assert.Equal("examples are not aligned: checkpoint 0 has 2 values, checkpoint 1 has 1; score the same examples on every checkpoint (Parameter 'values')", error.Message);
    }

    [Fact]
    public void Repeated_sizes_and_non_finite_values_are_errors()
    {
        var repeated = Assert.Throws<ArgumentException>(() => Fit(MetricNames.Accuracy, [1e6, 1e6], [[0.5], [0.6]]));
        var notFinite = Assert.Throws<ArgumentException>(() => Fit(MetricNames.Loss, [1e6, 1e7], [[0.5], [double.PositiveInfinity]]));

        Assert.Equal("checkpoints 0 and 1 have the same size 1000000; each size may appear once (Parameter 'sizes')", repeated.Message);
        Assert.Equal("checkpoint 1, example 0 has value Infinity; values must be finite (Parameter 'values')", notFinite.Message);
    }

    private static ScalingFit Fit(string metric, double[] sizes, double[][] values, double? chance = null, ScalingOptions? options = null) =>
        ScalingFitter.Fit(metric, sizes, values, chance, options, TestContext.Current.CancellationToken);

    /// <summary>
    /// v[k][i] = 0.9 + slope·log10(size_k) + d_i + e_k,i: d_i in ±0.3 shared by all checkpoints, e in ±0.05 with
    /// e_k,2m = −e_k,2m+1 so each checkpoint's mean lies exactly on the line.
    /// </summary>
    private static double[][] PairedNoisyLine(double slope, int examples) => FiveDecades
        .Select((size, k) => Enumerable.Range(0, examples).Select(i =>
        {
            var difficulty = 0.3 * Math.Sin(1.7 * i);
            var noise = 0.05 * Math.Sin(3.1 * k + 0.9 * (i / 2)) * (i % 2 == 0 ? 1 : -1);
            return 0.9 + slope * Math.Log10(size) + difficulty + noise;
        }).ToArray())
        .ToArray();

    /// <summary>0/1 correctness: example i is right on checkpoint k when i &lt; accuracy_k · n.</summary>
    private static double[][] Accuracies(double[] accuracies, int examples) => accuracies
        .Select(a => Enumerable.Range(0, examples).Select(i => i < (int)Math.Round(a * examples) ? 1.0 : 0.0).ToArray())
        .ToArray();

    /// <summary>Alternately mean + spread and mean − spread, so the mean is exact.</summary>
    private static double[][] Around(double[] means, double spread, int examples) => means
        .Select(m => Enumerable.Range(0, examples).Select(i => i % 2 == 0 ? m + spread : m - spread).ToArray())
        .ToArray();
}
