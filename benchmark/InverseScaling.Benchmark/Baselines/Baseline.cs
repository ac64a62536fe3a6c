using System.Text.Json;
using System.Text.Json.Serialization;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>
/// A task's accepted result on one family, which the gate compares every later run against:
/// the contents of <c>baselines/&lt;family&gt;/&lt;task&gt;.verified.json</c>. Build it with <see cref="Create"/>.
/// </summary>
/// <param name="SizeMeasure">The x-axis of the fits, as <see cref="SizeMeasures.ToName"/> writes it.</param>
/// <param name="Checkpoints">Sorted by size.</param>
/// <param name="Fits">Scaling fit per metric name, sorted by name.</param>
public sealed partial record Baseline(
    int SchemaVersion,
    string Family,
    string Task,
    string PrimaryMetric,
    string SizeMeasure,
    IReadOnlyList<BaselineCheckpoint> Checkpoints,
    IReadOnlyDictionary<string, BaselineFit> Fits,
    BaselineProvenance Provenance)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The fit of <see cref="PrimaryMetric"/>.</summary>
    [JsonIgnore]
    public BaselineFit PrimaryFit => Fits[PrimaryMetric];

    /// <summary>Builds a baseline from a run's results, with every list and map in a fixed order so equal runs serialize to equal bytes.</summary>
    /// <param name="checkpoints">Each checkpoint's metrics; each must include <paramref name="primaryMetric"/>.</param>
    /// <param name="onnxSha256">sha256 (lowercase hex) of each checkpoint's ONNX file, by checkpoint name.</param>
    /// <param name="fits">One fit per metric; one of them must be the primary metric's.</param>
    /// <param name="onnxWithPastSha256">sha256 of each checkpoint's with-past export, by checkpoint name, for those that have one.</param>
    /// <exception cref="ArgumentException">A name is not a plain file name, a checkpoint or hash is missing or repeated, or the primary metric has no fit.</exception>
    public static Baseline Create(
        string family,
        string task,
        string primaryMetric,
        SizeMeasure sizeMeasure,
        IReadOnlyList<CheckpointMetrics> checkpoints,
        IReadOnlyDictionary<string, string> onnxSha256,
        IEnumerable<ScalingFit> fits,
        BaselineProvenance provenance,
        IReadOnlyDictionary<string, string>? onnxWithPastSha256 = null)
    {
        RequireName(family, nameof(family));
        RequireName(task, nameof(task));
        ArgumentException.ThrowIfNullOrWhiteSpace(primaryMetric);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(onnxSha256);
        ArgumentNullException.ThrowIfNull(fits);
        ArgumentNullException.ThrowIfNull(provenance);
        if (checkpoints.Count == 0) throw new ArgumentException("a baseline needs at least one checkpoint", nameof(checkpoints));

        var entries = new List<BaselineCheckpoint>();
        foreach (var checkpoint in checkpoints)
        {
            if (entries.Any(e => e.Name == checkpoint.Checkpoint))
                throw new ArgumentException($"checkpoint '{checkpoint.Checkpoint}' appears twice", nameof(checkpoints));
            if (!checkpoint.Metrics.ContainsKey(primaryMetric))
                throw new ArgumentException($"checkpoint '{checkpoint.Checkpoint}' has no value for the primary metric '{primaryMetric}'", nameof(checkpoints));
            if (!onnxSha256.TryGetValue(checkpoint.Checkpoint, out var sha) || string.IsNullOrWhiteSpace(sha))
                throw new ArgumentException($"no ONNX sha256 for checkpoint '{checkpoint.Checkpoint}'", nameof(onnxSha256));
            entries.Add(new BaselineCheckpoint(checkpoint.Checkpoint, checkpoint.Size, sha, checkpoint.Metrics,
                onnxWithPastSha256?.GetValueOrDefault(checkpoint.Checkpoint)));
        }

        var fitsByMetric = new Dictionary<string, BaselineFit>();
        foreach (var fit in fits)
        {
            if (!fitsByMetric.TryAdd(fit.Metric, BaselineFit.From(fit)))
                throw new ArgumentException($"two fits for metric '{fit.Metric}'", nameof(fits));
        }
        if (!fitsByMetric.ContainsKey(primaryMetric))
            throw new ArgumentException($"no fit for the primary metric '{primaryMetric}'", nameof(fits));

        return new Baseline(CurrentSchemaVersion, family, task, primaryMetric, sizeMeasure.ToName(), entries, fitsByMetric, provenance).Normalized();
    }

    /// <summary>The same baseline with checkpoints sorted by size (then name) and every map sorted by key (ordinal).</summary>
    public Baseline Normalized() => this with
    {
        Checkpoints = Checkpoints
            .OrderBy(c => c.Size).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c with { Metrics = Sorted(c.Metrics) })
            .ToArray(),
        Fits = Sorted(Fits),
        Provenance = Provenance with
        {
            TokenizerSha256 = Sorted(Provenance.TokenizerSha256),
            ScoringOptions = Sorted(Provenance.ScoringOptions),
        },
    };

    /// <summary>True when <paramref name="name"/> can be a family or task folder/file name (<see cref="SafeName"/>'s rule).</summary>
    public static bool IsValidName(string? name) => SafeName.IsValid(name);

    internal static IReadOnlyDictionary<string, T> Sorted<T>(IReadOnlyDictionary<string, T> map) =>
        new SortedDictionary<string, T>(map.ToDictionary(), StringComparer.Ordinal);

    private static void RequireName(string name, string parameter)
    {
        if (!IsValidName(name))
            throw new ArgumentException($"'{name}' is not a valid name: use {SafeName.Rule}", parameter);
    }
}

/// <summary>One checkpoint of a baseline: its size, the hash of the model that produced it, and its metrics.</summary>
/// <param name="OnnxSha256">sha256 (lowercase hex) of the checkpoint's ONNX file; with external data, one sha256 over the
/// file's and its data files' (<see cref="Families.FileRef.ContentSha256"/>).</param>
/// <param name="OnnxWithPastSha256">The same of the with-past export, which is what is scored where there is one; absent in
/// baselines of families without one, and in those written before it was recorded.</param>
public sealed record BaselineCheckpoint(
    string Name,
    double Size,
    string OnnxSha256,
    IReadOnlyDictionary<string, MetricValue> Metrics,
    string? OnnxWithPastSha256 = null);

/// <summary>A <see cref="ScalingFit"/> as stored in a baseline (the metric is the key it is stored under).</summary>
public sealed record BaselineFit(
    double Slope,
    double Intercept,
    double SlopeLow,
    double SlopeHigh,
    double RSquared,
    int Points,
    [property: JsonConverter(typeof(TrendJsonConverter))] Trend Trend,
    double? Chance)
{
    [JsonIgnore]
    public double HalfWidth => (SlopeHigh - SlopeLow) / 2;

    public static BaselineFit From(ScalingFit fit) =>
        new(fit.Slope, fit.Intercept, fit.SlopeLow, fit.SlopeHigh, fit.RSquared, fit.Points, fit.Trend, fit.Chance);
}

/// <summary>What produced a baseline, so that a changed input can be told from a changed model.</summary>
/// <param name="TaskDataSha256">sha256 of the task's data file.</param>
/// <param name="TokenizerSha256">sha256 of each tokenizer file, by file name.</param>
/// <param name="ScoringOptions">Scoring settings that can change results (batching, truncation, BOS…), by name.</param>
/// <param name="Limit">The run's <c>--limit</c>: only the first this many examples were scored; absent for a full run.</param>
public sealed record BaselineProvenance(
    string SuiteVersion,
    string TaskDataSha256,
    IReadOnlyDictionary<string, string> TokenizerSha256,
    int BootstrapSeed,
    int BootstrapResamples,
    double BootstrapConfidence,
    IReadOnlyDictionary<string, string> ScoringOptions,
    int? Limit = null)
{
    /// <summary>Provenance of a run fitted with <paramref name="scaling"/>.</summary>
    public static BaselineProvenance Create(
        string suiteVersion,
        string taskDataSha256,
        IReadOnlyDictionary<string, string> tokenizerSha256,
        ScalingOptions scaling,
        IReadOnlyDictionary<string, string> scoringOptions,
        int? limit = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(suiteVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskDataSha256);
        ArgumentNullException.ThrowIfNull(tokenizerSha256);
        ArgumentNullException.ThrowIfNull(scaling);
        ArgumentNullException.ThrowIfNull(scoringOptions);
        return new BaselineProvenance(
            suiteVersion, taskDataSha256, Baseline.Sorted(tokenizerSha256),
            scaling.Seed, scaling.Resamples, scaling.Confidence, Baseline.Sorted(scoringOptions), limit);
    }
}

/// <summary>Writes <see cref="Trend"/> as <c>inverse</c>, <c>positive</c>, <c>flat</c>, <c>u-shaped</c> or <c>inverted-u</c>.</summary>
internal sealed class TrendJsonConverter() : JsonStringEnumConverter<Trend>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false);
