using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Reflection;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

[assembly: AssemblyFixture(typeof(InverseScaling.Benchmark.Tests.Gate.GateFixture))]

namespace InverseScaling.Benchmark.Tests.Gate;

/// <summary>
/// Shared by every gate test: the family under test, scored one task at a time by a <see cref="TaskEvaluator"/> (one
/// model per checkpoint file, each (model, task) scored once), and gated by a <see cref="GateRun"/> against the baselines.
/// The assembly's fixture also writes <c>TestResults/gate/summary.md</c> on disposal, the table CI puts on the run's summary page.
/// </summary>
public sealed class GateFixture : IDisposable
{
    private readonly Lazy<Family> _family;
    private readonly Lazy<GateRun> _gate;
    private readonly ConcurrentDictionary<string, TaskVerdict> _verdicts = new();
    private readonly string? _summaryPath;

    /// <summary>The family under test (<see cref="GateFamily"/>) against the checkout's baselines.</summary>
    public GateFixture()
        : this(GateFamily.ManifestPath, TestPaths.Baselines, Path.Combine(TestPaths.RepositoryRoot, "TestResults", "gate", "summary.md"))
    {
    }

    /// <param name="summaryPath">Where to write the verdicts' table on disposal; null writes none.</param>
    internal GateFixture(string familyManifest, string baselines, string? summaryPath = null)
    {
        _family = new(() => FamilyLoader.Load(familyManifest));
        Store = new BaselineStore(baselines);
        _gate = new(() => new GateRun(Family, Options, new GateSettings(Store) { Tolerances = Tolerances, Paired = Paired }));
        Evaluator = new TaskEvaluator(Options);
        _summaryPath = summaryPath;
    }

    public EvaluationOptions Options { get; } = EvaluationOptions.Default with { IncludeControls = false };

    public Family Family => _family.Value;

    public BaselineStore Store { get; }

    /// <summary>The gate's tolerances: defaults, or INVERSE_SCALING_SLOPE_TOLERANCE / INVERSE_SCALING_CHECKPOINT_TOLERANCE.</summary>
    public GateTolerances Tolerances { get; } = GateTolerances.FromEnvironment();

    /// <summary>
    /// The paired rule's settings: defaults, or INVERSE_SCALING_PAIRED_THRESHOLD, or the MSBuild property
    /// (<c>dotnet test -p:InverseScalingPairedThreshold=0.002</c>).
    /// </summary>
    public PairedTolerances Paired { get; } = PairedTolerances.FromEnvironment(name =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : name == PairedTolerances.ThresholdVariable ? BuildProperty("InverseScalingPairedThreshold") : null);

    public TaskEvaluator Evaluator { get; }

    /// <summary>Scores <paramref name="task"/> on every checkpoint of <paramref name="family"/> and fits each metric.</summary>
    public TaskResult Evaluate(Family family, BenchmarkTask task, CancellationToken cancellationToken) =>
        Evaluator.Evaluate(family, task, cancellationToken);

    /// <summary>Evaluates the task on the family under test and checks it against its baseline.</summary>
    public GateVerdict Check(BenchmarkTask task, CancellationToken cancellationToken)
    {
        var verdict = _gate.Value.Check(Evaluate(Family, task, cancellationToken), task);
        _verdicts[task.Name] = verdict;
        return verdict.Verdict;
    }

    public void Dispose()
    {
        Evaluator.Dispose();
        if (_verdicts.IsEmpty || _summaryPath is null) return;
        var summary = new StringBuilder()
            .AppendLine($"### Inverse-scaling gate: {_family.Value.Name}")
            .AppendLine()
            .AppendLine("| Task | Cause | Metric | Slope per decade [95% CI] | Trend | Baseline slope | Verdict |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (name, (result, _, verdict)) in _verdicts.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var fit = result.PrimaryFit;
            var baseline = verdict.Slope?.Baseline is { } b ? Format(b.Slope) : "–";
            summary.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {result.Definition.Cause} | {fit.Metric} | {Format(fit.Slope)} [{Format(fit.SlopeLow)}, {Format(fit.SlopeHigh)}] | {fit.Trend.ToName()} | {baseline} | {verdict.Outcome} |");
        }
        AtomicFile.WriteAllText(_summaryPath, summary.ToString());
    }

    private static string? BuildProperty(string key) => typeof(GateFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    private static string Format(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
}
