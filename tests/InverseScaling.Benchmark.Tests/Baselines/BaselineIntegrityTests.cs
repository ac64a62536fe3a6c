using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Baselines;

/// <summary>Hand-widened intervals and standard errors are refused (<see cref="BaselineIntegrity"/>).</summary>
public sealed class BaselineIntegrityTests
{
    private static readonly string Folder = Path.Combine(TestPaths.Baselines, "reference");

    public static TheoryData<string> BundledTasks() => new(Directory.GetFiles(Folder, "*" + BaselineStore.VerifiedSuffix)
        .Select(f => Path.GetFileName(f)[..^BaselineStore.VerifiedSuffix.Length]).Order(StringComparer.Ordinal));

    /// <summary>
    /// Measured: recomputed from the 7-decimal per-example files, the bundled intervals' ends lie at most 3.9e-8 from the
    /// stored ones (repetitive-algebra) and the standard errors 2.7e-9 (resisting-correction): rounding, 250 times inside
    /// <see cref="BaselineIntegrity.Tolerance"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(BundledTasks))]
    public void Every_bundled_baseline_is_what_its_per_example_values_give(string task)
    {
        var (summary, examples) = new BaselineStore(TestPaths.Baselines).TryReadVerifiedPair("reference", task);

        Assert.NotNull(summary);
        Assert.NotNull(examples);
        Assert.Null(PairedRule.WhyNotMatching(examples, summary));
        var sizes = summary.Checkpoints.Select(c => Math.Log10(c.Size)).ToArray();
        var rows = summary.Checkpoints.Select(c => examples.Column(c.Name)!).ToArray();
        var (low, high) = ScalingFitter.BootstrapSlopeInterval(sizes, rows, ScalingOptions.Default, TestContext.Current.CancellationToken);
        Assert.Equal(summary.PrimaryFit.SlopeLow, low, 5e-8);
        Assert.Equal(summary.PrimaryFit.SlopeHigh, high, 5e-8);
        for (var k = 0; k < rows.Length; k++)
            Assert.Equal(summary.Checkpoints[k].Metrics[summary.PrimaryMetric].StandardError, ScalingFitter.MeanAndStandardError(rows[k]).StandardError, 5e-9);
    }

    [Fact]
    public void A_widened_interval_or_standard_error_is_refused_and_run_to_run_noise_is_not()
    {
        var (summary, examples) = Neqa();
        var loss = summary.PrimaryFit;

        var noisy = summary with { Fits = With(summary, loss with { SlopeHigh = loss.SlopeHigh + 5e-6 }) };
        BaselineIntegrity.Require(noisy, examples, "neqa.verified.json");

        var widened = summary with { Fits = With(summary, loss with { SlopeLow = loss.SlopeLow - 0.001 }) };
        var e = Assert.Throws<BenchmarkInputException>(() => BaselineIntegrity.Require(widened, examples, "neqa.verified.json"));
        Assert.Equal("fits.loss.slopeLow", e.Field);
        Assert.StartsWith("neqa.verified.json (fits.loss.slopeLow): slopeLow -0.004575647174807173 is not the -0.0035756", e.Message);

        var checkpoints = summary.Checkpoints.ToArray();
        var metrics = new Dictionary<string, Benchmark.Metrics.MetricValue>(checkpoints[4].Metrics) { ["loss"] = checkpoints[4].Metrics["loss"] with { StandardError = 0.0070 } };
        checkpoints[4] = checkpoints[4] with { Metrics = metrics };
        e = Assert.Throws<BenchmarkInputException>(() => BaselineIntegrity.Require(summary with { Checkpoints = checkpoints }, examples, "neqa.verified.json"));
        Assert.Equal("checkpoints[4].metrics.loss.standardError", e.Field);
    }

    [Fact]
    public void Without_per_example_values_only_an_interval_beyond_what_the_standard_errors_allow_is_refused()
    {
        var (summary, _) = Neqa();
        var loss = summary.PrimaryFit;
        // Σ|w_k|·SE_k over neqa's five checkpoints, and 2·√(0.975/0.025) = 12.49 times that.
        var x = summary.Checkpoints.Select(c => Math.Log10(c.Size)).ToArray();
        var sxx = x.Sum(v => (v - x.Average()) * (v - x.Average()));
        var spread = summary.Checkpoints.Select((c, k) => Math.Abs(x[k] - x.Average()) / sxx * c.Metrics["loss"].StandardError).Sum();
        var reach = 2 * Math.Sqrt(39) * spread;
        Assert.Equal(0.1005, reach, 1e-4);

        BaselineIntegrity.Require(summary with { Fits = With(summary, loss with { SlopeHigh = loss.Slope + reach * 0.999 }) }, null, "b.json");
        var e = Assert.Throws<BenchmarkInputException>(() =>
            BaselineIntegrity.Require(summary with { Fits = With(summary, loss with { SlopeHigh = loss.Slope + reach * 1.001 }) }, null, "b.json"));
        Assert.Equal("fits.loss.slopeHigh", e.Field);
        e = Assert.Throws<BenchmarkInputException>(() =>
            BaselineIntegrity.Require(summary with { Fits = With(summary, loss with { Slope = loss.SlopeLow - 0.001 }) }, null, "b.json"));
        Assert.Equal("fits.loss.slope", e.Field);
    }

    private static (Baseline Summary, PerExampleBaseline Examples) Neqa()
    {
        var (summary, examples) = new BaselineStore(TestPaths.Baselines).TryReadVerifiedPair("reference", "neqa");
        return (summary!, examples!);
    }

    private static IReadOnlyDictionary<string, BaselineFit> With(Baseline baseline, BaselineFit primary) =>
        new Dictionary<string, BaselineFit>(baseline.Fits) { [baseline.PrimaryMetric] = primary };
}
