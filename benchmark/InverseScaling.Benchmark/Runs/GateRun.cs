using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Runs;

/// <summary>
/// Finishes a run and gates it: the one pipeline behind <c>run</c>, <c>merge</c> and the gate theories. Each task's result
/// becomes its baseline form, is written to the run folder's <c>gate/</c> (when the run has a folder), is judged against the
/// verified baseline by the gate's rule, and is kept as <c>&lt;task&gt;.received.json</c> when it differs (a pass removes a
/// stale received file). Its per-example values are kept as <c>&lt;task&gt;.received.per-example.tsv</c> beside it, and also
/// when the result passes against a baseline that has no usable per-example file, so that <c>accept</c> can add one.
/// </summary>
public sealed class GateRun
{
    private readonly IGateComparer _rule;

    /// <param name="output">The run's folder, for <c>summary.json</c> and <c>gate/</c>; null gates without writing either (the theories).</param>
    public GateRun(Family family, EvaluationOptions options, GateSettings settings, RunFolder? output = null)
    {
        Family = family ?? throw new ArgumentNullException(nameof(family));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Output = output;
        _rule = settings.Rule;
    }

    public Family Family { get; }

    public EvaluationOptions Options { get; }

    public GateSettings Settings { get; }

    public RunFolder? Output { get; }

    /// <summary>The tasks the run scored, for prompt excerpts in the gate's messages. <value>Default none: messages name example indices only.</value></summary>
    public IReadOnlyList<BenchmarkTask> Tasks { get; init; } = [];

    /// <summary>
    /// Before any scoring: removes what killed writers left in the run folder and the family's baselines, and reads every
    /// task's verified baseline, so that a corrupt or foreign one is refused now rather than after the scoring.
    /// </summary>
    /// <exception cref="Diagnostics.BenchmarkInputException">A verified baseline is corrupt, of an unknown schema version, misplaced, or edited by hand.</exception>
    public void Prepare(IEnumerable<string> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        // The baselines are read first: a baselines folder that is a link leading elsewhere is refused before anything in it is touched.
        foreach (var task in tasks) Settings.Baselines.TryReadVerifiedPair(Family.Name, task);
        Output?.DeleteAbandonedFiles();
        AtomicFile.DeleteAbandoned(Path.Combine(Settings.Baselines.Root, Family.Name));
    }

    /// <summary>Writes <c>summary.json</c> and gates every task of the run, in the run's task order.</summary>
    /// <exception cref="InvalidOperationException">The gate run has no output folder.</exception>
    public GateRunResult Complete(FamilyRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var output = Output ?? throw new InvalidOperationException("completing a run needs its output folder");
        output.WriteSummary(run);
        return new GateRunResult(run, run.Tasks.Select(t => Check(t)).ToList());
    }

    /// <summary>Gates one task's result.</summary>
    /// <param name="task">The task scored, for prompt excerpts; looked up in <see cref="Tasks"/> when null.</param>
    public TaskVerdict Check(TaskResult result, BenchmarkTask? task = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var current = RunBaselines.ToBaseline(result, Family, Options);
        Output?.WriteGateResult(current);
        task ??= Tasks.FirstOrDefault(t => t.Name == result.Name);
        return new TaskVerdict(result, current, Settle(Settings.Baselines, _rule, current, result, task));
    }

    /// <summary>
    /// Judges <paramref name="current"/> against its verified baseline, and writes the received file (or removes a stale one
    /// on a pass).
    /// </summary>
    /// <param name="result">The task result behind <paramref name="current"/>, for a rule that pairs examples.</param>
    /// <exception cref="Diagnostics.BenchmarkInputException">The verified file is corrupt, of an unknown schema version, or misplaced.</exception>
    public static GateVerdict Check(GateSettings settings, Baseline current, TaskResult? result = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(current);
        return Settle(settings.Baselines, settings.Rule, current, result, task: null);
    }

    private static GateVerdict Settle(BaselineStore store, IGateComparer rule, Baseline current, TaskResult? result, BenchmarkTask? task)
    {
        var (family, name) = (current.Family, current.Task);
        var (verified, verifiedExamples) = store.TryReadVerifiedPair(family, name);
        var currentExamples = result is null ? null
            : RunBaselines.ToPerExample(result, family, verifiedExamples?.Decimals ?? PerExampleBaseline.DefaultDecimals);
        var verdict = rule.Compare(new GateComparison(verified, current, result)
        {
            VerifiedExamples = verifiedExamples,
            CurrentExamples = currentExamples,
            Task = task,
            Accept = store.Instructions(family, name),
        });
        if (verdict.WritesReceived) store.WriteReceived(current);
        else store.DeleteReceived(family, name);
        if (currentExamples is not null && (verdict.WritesReceived || verdict.UnpairedBecause is not null)) store.WriteReceivedExamples(currentExamples);
        else store.DeleteReceivedExamples(family, name);
        return verdict;
    }
}

/// <summary>One task's result, its baseline form and the gate's verdict on it.</summary>
public sealed record TaskVerdict(TaskResult Result, Baseline Current, GateVerdict Verdict)
{
    public string Task => Result.Name;
}

/// <summary>A finished run and the gate's verdict on each of its tasks, in the run's task order.</summary>
public sealed record GateRunResult(FamilyRunResult Run, IReadOnlyList<TaskVerdict> Tasks)
{
    /// <summary>True when every task passed (<see cref="GateVerdict.Passed"/>).</summary>
    public bool Passed => Tasks.All(t => t.Verdict.Passed);

    /// <summary>The verdicts by task name.</summary>
    public IReadOnlyDictionary<string, GateVerdict> Verdicts => Tasks.ToDictionary(t => t.Task, t => t.Verdict);

    /// <summary>The verdicts that failed, in task order.</summary>
    public IEnumerable<GateVerdict> Failures => Tasks.Select(t => t.Verdict).Where(v => !v.Passed);
}
