using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Reports;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

[assembly: AssemblyFixture(typeof(InverseScaling.Benchmark.Tests.Gate.GateFixture))]

namespace InverseScaling.Benchmark.Tests.Gate;

/// <summary>
/// Shared by every gate test: the family under test, one loaded model per checkpoint file, and each
/// (checkpoint file, task) result scored once — a family that reuses a checkpoint file reuses its scores.
/// On disposal writes <c>TestResults/gate/summary.md</c>, the table CI puts on the run's summary page.
/// </summary>
public sealed class GateFixture : IDisposable
{
    private readonly Lazy<Family> _family = new(() => FamilyLoader.Load(GateFamily.ManifestPath));
    private readonly ConcurrentDictionary<string, CheckpointRunner> _runners = new();
    private readonly ConcurrentDictionary<(string Onnx, string Task), CheckpointTaskResult> _scores = new();
    private readonly ConcurrentDictionary<string, (TaskResult Result, GateVerdict Verdict)> _verdicts = new();
    private readonly Lock _scoring = new();

    public EvaluationOptions Options { get; } = EvaluationOptions.Default with { IncludeControls = false };

    public Family Family => _family.Value;

    public BaselineStore Store { get; } = new(TestPaths.Baselines);

    /// <summary>The gate's tolerances: defaults, or INVERSE_SCALING_SLOPE_TOLERANCE / INVERSE_SCALING_CHECKPOINT_TOLERANCE.</summary>
    public GateTolerances Tolerances { get; } = GateTolerances.FromEnvironment();

    /// <summary>Scores <paramref name="task"/> on every checkpoint of <paramref name="family"/> and fits each metric.</summary>
    public TaskResult Evaluate(Family family, BenchmarkTask task, CancellationToken cancellationToken)
    {
        family.RequireScalingPoints(Options.SizeMeasure);
        var checkpoints = family.Checkpoints.Select(c => Score(family, c, task, cancellationToken)).ToList();
        return new TaskResult(task.Definition, FileHash.Sha256(task.DataPath),
            FamilyEvaluator.Fit(task, checkpoints, Options.Scaling, cancellationToken), Control: null);
    }

    /// <summary>Evaluates the task on the family under test and checks it against the committed baseline.</summary>
    public GateVerdict Check(BenchmarkTask task, CancellationToken cancellationToken)
    {
        var result = Evaluate(Family, task, cancellationToken);
        var verdict = BaselineGate.Check(Store, RunBaselines.ToBaseline(result, Family, Options), Tolerances);
        _verdicts[task.Name] = (result, verdict);
        return verdict;
    }

    private CheckpointTaskResult Score(Family family, Checkpoint checkpoint, BenchmarkTask task, CancellationToken cancellationToken)
    {
        var onnx = checkpoint.Manifest.Files.Onnx.Sha256 ?? FileHash.Sha256(checkpoint.OnnxPath);
        var size = family.Size(checkpoint, Options.SizeMeasure);
        lock (_scoring)
        {
            var scored = _scores.GetOrAdd((onnx, task.Name), _ =>
                _runners.GetOrAdd(onnx, _ => CheckpointRunner.Create(family, checkpoint, Options))
                    .Score(task.Format, task.ReadExamples(cancellationToken), null, cancellationToken));
            return scored with
            {
                Checkpoint = checkpoint.Name,
                Size = size,
                Metrics = scored.Metrics with { Checkpoint = checkpoint.Name, Size = size },
            };
        }
    }

    public void Dispose()
    {
        foreach (var runner in _runners.Values) runner.Dispose();
        if (_verdicts.IsEmpty) return;
        var summary = new StringBuilder()
            .AppendLine($"### Inverse-scaling gate: {_family.Value.Name}")
            .AppendLine()
            .AppendLine("| Task | Cause | Metric | Slope per decade [95% CI] | Trend | Baseline slope | Verdict |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (name, (result, verdict)) in _verdicts.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var fit = result.PrimaryFit;
            var baseline = verdict.Slope?.Baseline is { } b ? Format(b.Slope) : "–";
            summary.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {result.Definition.Cause} | {fit.Metric} | {Format(fit.Slope)} [{Format(fit.SlopeLow)}, {Format(fit.SlopeHigh)}] | {fit.Trend.ToName()} | {baseline} | {verdict.Outcome} |");
        }
        AtomicFile.WriteAllText(Path.Combine(TestPaths.RepositoryRoot, "TestResults", "gate", "summary.md"), summary.ToString());
    }

    private static string Format(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
}
