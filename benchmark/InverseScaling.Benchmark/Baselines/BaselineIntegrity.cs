using System.Globalization;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>
/// A baseline's intervals and standard errors are what its data gives, not what someone typed: a hand-widened interval
/// would widen the gate's tolerance. Where the per-example file belongs to the summary (<see cref="PairedRule.WhyNotMatching"/>),
/// the primary metric's standard errors and slope interval are computed again from it and must match; everywhere, each fit's
/// interval must hold its slope and lie within what the checkpoints' standard errors allow.
/// </summary>
internal static class BaselineIntegrity
{
    /// <summary>
    /// How far a stored standard error or slope bound (per unit of Σ|w|, the slope's weights) may lie from the recomputed one:
    /// <see cref="PairedRule.SummaryTolerance"/>, the distance a per-example file may lie from its summary's means. Rounding to
    /// 7 decimals moves them by at most 5e-8; values of another run of the same models by about 2.5e-6.
    /// </summary>
    public const double Tolerance = PairedRule.SummaryTolerance;

    /// <summary>
    /// How many times the one-sided Cantelli bound a slope bound may lie from the slope. Each bootstrap slope is the mean of the
    /// examples' contributions Σ w_k·v_k, whose standard error is at most Σ|w_k|·SE_k; Cantelli puts the (1 − c)/2 quantile
    /// within √((1 + c)/(1 − c)) of those from the slope, and twice that covers the bootstrap's own sampling.
    /// </summary>
    public const double CantelliFactor = 2;

    private const string Fix = "restore the file from git, or run the benchmark and accept its result; a baseline is never edited by hand";

    /// <summary>Checks the fits of <paramref name="baseline"/> against its standard errors and, when given, its per-example values.</summary>
    /// <param name="path">The summary file, named in errors.</param>
    /// <exception cref="BenchmarkInputException">A fit or standard error that its data does not give (the first one, with its field).</exception>
    public static void Require(Baseline baseline, PerExampleBaseline? examples, string path)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        RequireBounded(baseline, path);
        if (examples is not null && PairedRule.WhyNotMatching(examples, baseline) is null) RequireRecomputed(baseline, examples, path);
    }

    /// <summary>Without per-example values: each fit's interval holds its slope, and neither end lies absurdly far from it.</summary>
    internal static void RequireBounded(Baseline baseline, string path)
    {
        var weights = Weights(baseline.Checkpoints.Select(c => c.Size).ToArray());
        foreach (var (metric, fit) in baseline.Fits)
        {
            var at = $"fits.{metric}";
            var slack = 1e-9 * Math.Max(1, Math.Abs(fit.Slope));
            if (fit.Slope < fit.SlopeLow - slack || fit.Slope > fit.SlopeHigh + slack)
                throw Error(path, $"{at}.slope", $"the slope {Show(fit.Slope)} lies outside its interval [{Show(fit.SlopeLow)}, {Show(fit.SlopeHigh)}]");
            if (weights is null || baseline.Checkpoints.Any(c => !c.Metrics.ContainsKey(metric))) continue;

            var spread = 0.0;
            for (var k = 0; k < weights.Length; k++) spread += Math.Abs(weights[k]) * baseline.Checkpoints[k].Metrics[metric].StandardError;
            var tail = (1 - baseline.Provenance.BootstrapConfidence) / 2;
            var reach = CantelliFactor * Math.Sqrt((1 - tail) / tail) * spread + slack;
            if (fit.SlopeHigh - fit.Slope > reach || fit.Slope - fit.SlopeLow > reach)
                throw Error(path, fit.SlopeHigh - fit.Slope > reach ? $"{at}.slopeHigh" : $"{at}.slopeLow",
                    $"the interval [{Show(fit.SlopeLow)}, {Show(fit.SlopeHigh)}] reaches further than {Show(reach)} from the slope " +
                    $"{Show(fit.Slope)}, more than the checkpoints' standard errors allow: it was widened by hand");
        }
    }

    private static void RequireRecomputed(Baseline baseline, PerExampleBaseline examples, string path)
    {
        var metric = baseline.PrimaryMetric;
        var rows = new IReadOnlyList<double>[baseline.Checkpoints.Count];
        for (var k = 0; k < rows.Length; k++)
        {
            var checkpoint = baseline.Checkpoints[k];
            rows[k] = examples.Column(checkpoint.Name)!;
            var stored = checkpoint.Metrics[metric].StandardError;
            var (_, recomputed) = ScalingFitter.MeanAndStandardError(rows[k]);
            if (!Close(stored, recomputed, Tolerance))
                throw Error(path, $"checkpoints[{k}].metrics.{metric}.standardError",
                    $"the standard error {Show(stored)} is not the {Show(recomputed)} its per-example values give: it was edited by hand");
        }

        var sizes = baseline.Checkpoints.Select(c => c.Size).ToArray();
        if (Weights(sizes) is not { } weights) return;
        var provenance = baseline.Provenance;
        var options = ScalingOptions.Default with
        {
            Seed = provenance.BootstrapSeed,
            Resamples = provenance.BootstrapResamples,
            Confidence = provenance.BootstrapConfidence,
        };
        var (low, high) = ScalingFitter.BootstrapSlopeInterval(sizes.Select(Math.Log10).ToArray(), rows, options, CancellationToken.None);
        var fit = baseline.PrimaryFit;
        var tolerance = Tolerance * weights.Sum(Math.Abs);
        foreach (var (field, value, expected) in new[] { ("slopeLow", fit.SlopeLow, low), ("slopeHigh", fit.SlopeHigh, high) })
        {
            if (!Close(value, expected, tolerance))
                throw Error(path, $"fits.{metric}.{field}",
                    $"{field} {Show(value)} is not the {Show(expected)} the per-example values give (interval [{Show(low)}, {Show(high)}]): it was edited by hand");
        }
    }

    /// <summary>The slope's weight on each checkpoint's mean, (x_k − x̄)/Sxx over x = log10(size); null when the sizes do not spread.</summary>
    private static double[]? Weights(double[] sizes)
    {
        if (sizes.Length < 2) return null;
        var x = sizes.Select(Math.Log10).ToArray();
        var mean = x.Average();
        var sxx = x.Sum(v => (v - mean) * (v - mean));
        return sxx > 0 && double.IsFinite(sxx) ? x.Select(v => (v - mean) / sxx).ToArray() : null;
    }

    private static bool Close(double stored, double recomputed, double tolerance) =>
        Math.Abs(stored - recomputed) <= tolerance + 1e-9 * Math.Abs(recomputed);

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static BenchmarkInputException Error(string path, string field, string problem) => new(path, problem, Fix, field: field);
}
