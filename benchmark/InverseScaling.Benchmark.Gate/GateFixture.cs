using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Gate;

/// <summary>
/// The gate's shared state, one per test assembly (the package adds it as the assembly's fixture): the settings, the family,
/// its tasks, a <see cref="TaskEvaluator"/> (one model per checkpoint file, each (model, task) scored once) and a
/// <see cref="GateRun"/> against the baselines, which writes received files beside them. Everything loads on first use, so a
/// bad setting fails each theory with its one-line error. On disposal writes the table of verdicts (<c>summary.md</c>).
/// </summary>
public sealed class GateFixture : IDisposable
{
    private readonly Lazy<GateConfiguration> _configuration;
    private readonly Lazy<Family> _family;
    private readonly Lazy<IReadOnlyList<BenchmarkTask>> _tasks;
    private readonly Lazy<EvaluationOptions> _options;
    private readonly Lazy<BaselineStore> _store;
    private readonly Lazy<TaskEvaluator> _evaluator;
    private readonly Lazy<GateRun> _gate;
    private readonly ConcurrentDictionary<string, TaskVerdict> _verdicts = new();

    /// <summary>The settings of the running test assembly (<see cref="GateConfiguration.Read"/>).</summary>
    public GateFixture()
        : this(() => GateConfiguration.Read(GateAssembly.Running()))
    {
    }

    /// <summary>A gate with the given settings, writing its table of verdicts to <paramref name="summaryPath"/> (null: none).</summary>
    public static GateFixture Create(BenchmarkSettings settings, string? summaryPath = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new GateFixture(() => new GateConfiguration(settings, summaryPath));
    }

    private GateFixture(Func<GateConfiguration> configuration)
    {
        _configuration = new(configuration);
        _family = new(() => FamilyLoader.Load(Settings.FamilyManifest ?? throw new BenchmarkInputException("settings",
            $"no family to gate: {SettingName.Family.Property} is not set",
            $"set {SettingName.Family.Property} in the test project to your family.json, or set {SettingName.Family.Variable}",
            field: SettingName.Family.Property)));
        _tasks = new(() => Settings.DiscoverTasks());
        _options = new(() => EvaluationOptions.Default with
        {
            IncludeControls = false,
            SizeMeasure = Settings.SizeMeasure,
            Cache = Settings.Cache is { } cache ? new ResultCache(cache) : null,
        });
        _store = new(() => new BaselineStore(Settings.Baselines, Workspace.IsSuiteBaselines(Settings.Baselines)));
        _evaluator = new(() => new TaskEvaluator(Options));
        _gate = new(() => new GateRun(Family, Options, new GateSettings(Store) { Tolerances = Settings.Tolerances, Paired = Settings.Paired }));
    }

    /// <exception cref="BenchmarkInputException">A setting is malformed.</exception>
    public BenchmarkSettings Settings => _configuration.Value.Settings;

    /// <summary>The family under test.</summary>
    /// <exception cref="BenchmarkInputException">No family is set, or its manifest or files are bad.</exception>
    public Family Family => _family.Value;

    /// <summary>The tasks of <see cref="BenchmarkSettings.TaskFolders"/>, by name.</summary>
    public IReadOnlyList<BenchmarkTask> Tasks => _tasks.Value;

    /// <summary>How the gate scores: no control sets, the settings' size measure and results cache.</summary>
    public EvaluationOptions Options => _options.Value;

    /// <summary>The baselines, where received results are written.</summary>
    public BaselineStore Store => _store.Value;

    /// <summary>Scores <paramref name="task"/> on every checkpoint of <paramref name="family"/> and fits each metric.</summary>
    public TaskResult Evaluate(Family family, BenchmarkTask task, CancellationToken cancellationToken) =>
        _evaluator.Value.Evaluate(family, task, cancellationToken);

    /// <summary>Scores the task on the family under test and judges it against its baseline (writing the received file when it differs).</summary>
    /// <exception cref="BenchmarkInputException">A setting, the family, the task or its verified baseline is bad.</exception>
    public GateVerdict Check(string task, CancellationToken cancellationToken) =>
        Check(Tasks.FirstOrDefault(t => t.Name == task) ?? throw new ArgumentException($"no task named '{task}' in the gate's task folders", nameof(task)),
            cancellationToken);

    /// <inheritdoc cref="Check(string, CancellationToken)"/>
    public GateVerdict Check(BenchmarkTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var verdict = _gate.Value.Check(Evaluate(Family, task, cancellationToken), task);
        _verdicts[task.Name] = verdict;
        return verdict.Verdict;
    }

    public void Dispose()
    {
        if (_evaluator.IsValueCreated) _evaluator.Value.Dispose();
        if (_verdicts.IsEmpty || _configuration.Value.SummaryPath is not { } path) return;
        var summary = new StringBuilder()
            .AppendLine($"### Inverse-scaling gate: {Family.Name}")
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
        AtomicFile.WriteAllText(path, summary.ToString());
    }

    private static string Format(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
}
