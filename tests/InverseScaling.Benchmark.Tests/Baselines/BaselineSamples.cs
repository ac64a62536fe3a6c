using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Baselines;

/// <summary>Runs of the accuracy-primary task reference/modus-tollens on three checkpoints, built by hand.</summary>
internal static class BaselineSamples
{
    public const string FamilyName = "reference";
    public const string TaskName = "modus-tollens";
    public static readonly string[] Names = ["tiny", "small", "medium"];
    public static readonly double[] Sizes = [1e6, 1e7, 1e8];

    /// <summary>Standard errors of the accuracies, so the default checkpoint tolerances are 0.040, 0.042 and 0.046.</summary>
    public static readonly double[] Errors = [0.020, 0.021, 0.023];

    /// <summary>The baseline used by the gate tests: accuracy 0.81, 0.75, 0.69; slope −0.06 in [−0.075, −0.045] (half-width 0.015).</summary>
    public static Baseline Stored() => Accuracy([0.81, 0.75, 0.69], -0.06, -0.075, -0.045);

    public static Baseline Accuracy(
        double[] means, double slope, double low, double high,
        string[]? names = null, double[]? sizes = null, string suiteVersion = "0.1.0")
    {
        names ??= Names;
        sizes ??= Sizes;
        var checkpoints = names
            .Select((name, j) => new CheckpointMetrics(name, sizes[j],
                new Dictionary<string, MetricValue> { [MetricNames.Accuracy] = new(means[j], Errors[j], 400) }))
            .ToArray();
        var fit = new ScalingFit(MetricNames.Accuracy, slope, 1.0, low, high, 0.99, names.Length, Trend.Inverse, 0.5);
        return Baseline.Create(FamilyName, TaskName, MetricNames.Accuracy, SizeMeasure.NonEmbeddingParameters,
            checkpoints, names.ToDictionary(n => n, n => "sha-" + n), [fit], Provenance(suiteVersion));
    }

    public static BaselineProvenance Provenance(string suiteVersion = "0.1.0") => BaselineProvenance.Create(
        suiteVersion, "dd44",
        new Dictionary<string, string> { ["vocab.json"] = "1111", ["merges.txt"] = "2222" },
        ScalingOptions.Default,
        new Dictionary<string, string> { ["truncation"] = "left", ["batchSize"] = "8" });
}
