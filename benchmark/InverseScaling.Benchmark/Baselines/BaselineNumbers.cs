using System.Globalization;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>
/// The numbers of a baseline must be ones a gate can compare with: finite (JSON's <c>"NaN"</c> and <c>"Infinity"</c>
/// made every comparison "within"), standard errors and sizes not negative, intervals in order, and a fit over as many
/// points as the baseline has checkpoints. A baseline that breaks this is refused when it loads.
/// </summary>
internal static class BaselineNumbers
{
    private const string Fix = "restore the file from git, or run the benchmark and accept its result; a baseline is never edited by hand";

    /// <exception cref="BenchmarkInputException">The first number that breaks the rule, with its field.</exception>
    public static void Require(Baseline baseline, string path)
    {
        for (var i = 0; i < baseline.Checkpoints.Count; i++)
        {
            var checkpoint = baseline.Checkpoints[i];
            var at = $"checkpoints[{i}]";
            Positive(path, $"{at}.size", checkpoint.Size);
            foreach (var (metric, value) in checkpoint.Metrics)
            {
                Finite(path, $"{at}.metrics.{metric}.mean", value.Mean);
                NotNegative(path, $"{at}.metrics.{metric}.standardError", value.StandardError);
                if (value.Count < 1) throw Error(path, $"{at}.metrics.{metric}.count", $"count is {value.Count}; a metric needs at least one example");
            }
        }
        foreach (var (metric, fit) in baseline.Fits)
        {
            var at = $"fits.{metric}";
            Finite(path, $"{at}.slope", fit.Slope);
            Finite(path, $"{at}.intercept", fit.Intercept);
            Finite(path, $"{at}.slopeLow", fit.SlopeLow);
            Finite(path, $"{at}.slopeHigh", fit.SlopeHigh);
            if (fit.SlopeLow > fit.SlopeHigh)
                throw Error(path, $"{at}.slopeLow", $"the interval [{Show(fit.SlopeLow)}, {Show(fit.SlopeHigh)}] is upside down");
            if (fit.Chance is { } chance) Finite(path, $"{at}.chance", chance);
            if (fit.Points != baseline.Checkpoints.Count)
                throw Error(path, $"{at}.points", $"the fit has {fit.Points} points, and the baseline {baseline.Checkpoints.Count} checkpoints");
        }
        var provenance = baseline.Provenance;
        if (provenance.BootstrapResamples < 1)
            throw Error(path, "provenance.bootstrapResamples", $"bootstrapResamples is {provenance.BootstrapResamples}");
        if (!(provenance.BootstrapConfidence is > 0 and < 1))
            throw Error(path, "provenance.bootstrapConfidence", $"bootstrapConfidence is {Show(provenance.BootstrapConfidence)}, not between 0 and 1");
        BaselineIntegrity.RequireBounded(baseline, path);
    }

    private static void Finite(string path, string field, double value)
    {
        if (!double.IsFinite(value)) throw Error(path, field, $"{field} is {Show(value)}, not a finite number");
    }

    private static void NotNegative(string path, string field, double value)
    {
        Finite(path, field, value);
        if (value < 0) throw Error(path, field, $"{field} is {Show(value)}, below 0");
    }

    private static void Positive(string path, string field, double value)
    {
        Finite(path, field, value);
        if (value <= 0) throw Error(path, field, $"{field} is {Show(value)}, not above 0");
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static BenchmarkInputException Error(string path, string field, string problem) => new(path, problem, Fix, field: field);
}
