using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Reports;

/// <summary>One task on one run: the primary metric's fit, the control set's, and the gate's verdict (null when the run left no gate result).</summary>
internal sealed record TaskRow(int RunIndex, FinishedRun Run, string Label, TaskSummary Task, ScalingFit Fit, ScalingFit? ControlFit, GateVerdict? Verdict);

/// <summary>A classification example the smallest checkpoint gets right and the largest gets wrong.</summary>
/// <param name="Example">The task's row; null when the task data is not at hand or changed since the run.</param>
/// <param name="GoldSmallest">The gold class's probability, normalised over the classes, on the smallest checkpoint.</param>
internal sealed record FlipExample(int Index, ClassificationExample? Example, int PredictedSmallest, int PredictedLargest, double GoldSmallest, double GoldLargest);

/// <summary>The right-to-wrong flips of one task on one run: how many, and the sharpest few.</summary>
/// <param name="Note">Why prompts are missing, when they are.</param>
internal sealed record TaskFlips(string Label, string Task, string Smallest, string Largest, int Count, int Compared, IReadOnlyList<FlipExample> Shown, string? Note);

/// <summary>Everything a report shows, gathered from one or more run folders; writers turn it into HTML, Markdown and plots.</summary>
/// <param name="Labels">Each run's name on plots and in tables: its family, with the folder's name where two runs share a family.</param>
internal sealed record ScalingReport(
    IReadOnlyList<FinishedRun> Runs,
    IReadOnlyList<string> Labels,
    string SizeMeasure,
    IReadOnlyList<string> Tasks,
    IReadOnlyList<TaskRow> Rows,
    IReadOnlyList<TaskFlips> Flips)
{
    /// <summary>Flipped examples shown per task and run.</summary>
    public const int FlipsShown = 5;

    public IEnumerable<TaskRow> RowsOf(string task) => Rows.Where(r => r.Task.Task == task);

    /// <summary>Reads the runs, compares each task with <paramref name="baselines"/>, and finds the flipped examples.</summary>
    /// <param name="tasksDirectory">Where the task data lives, for the flipped examples' prompts.</param>
    /// <exception cref="BenchmarkInputException">A folder is not a run's output, or the runs use different size measures.</exception>
    /// <param name="rule">The gate's rule; the tolerance rule with the default tolerances when null.</param>
    public static ScalingReport Build(IReadOnlyList<FinishedRun> runs, BaselineStore baselines, string tasksDirectory,
        IGateComparer? rule = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(baselines);
        if (runs.Count == 0) throw new ArgumentException("a report needs at least one run", nameof(runs));
        rule ??= new ToleranceGateComparer(GateTolerances.Default);
        var measure = runs[0].Summary.Settings.SizeMeasure;
        if (runs.FirstOrDefault(r => r.Summary.Settings.SizeMeasure != measure) is { } other)
            throw new BenchmarkInputException(other.Folder.SummaryPath,
                $"its size measure is {other.Summary.Settings.SizeMeasure}, the first run's is {measure}; one plot cannot put both on its x axis",
                "report runs made with the same --size-measure together", field: "settings.sizeMeasure");

        var labels = LabelsOf(runs);
        var tasks = runs.SelectMany(r => r.Summary.Tasks.Select(t => t.Task)).Distinct().Order(StringComparer.Ordinal).ToList();
        var catalog = Directory.Exists(tasksDirectory)
            ? TaskCatalog.Discover(tasksDirectory).ToDictionary(t => t.Name)
            : new Dictionary<string, BenchmarkTask>();

        var rows = new List<TaskRow>();
        var flips = new List<TaskFlips>();
        foreach (var task in tasks)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                var (run, label) = (runs[i], labels[i]);
                cancellationToken.ThrowIfCancellationRequested();
                if (run.Summary.Tasks.FirstOrDefault(t => t.Task == task) is not { } summary) continue;
                var fit = summary.Fits[summary.PrimaryMetric];
                var control = summary.ControlFits?.GetValueOrDefault(summary.PrimaryMetric);
                var verdict = run.ReadGateResult(task) is { } current ? Judge(rule, baselines, run, summary, current, catalog.GetValueOrDefault(task), cancellationToken) : null;
                rows.Add(new TaskRow(i, run, label, summary, fit, control, verdict));
                if (FlipFinder.Find(run, label, summary, catalog.GetValueOrDefault(task), cancellationToken) is { } found) flips.Add(found);
            }
        }
        return new ScalingReport(runs, labels, measure, tasks, rows, flips);
    }

    /// <summary>The rule's verdict on a run's gate result, with the run's per-example values when the baseline has some to pair them with.</summary>
    private static GateVerdict Judge(IGateComparer rule, BaselineStore baselines, FinishedRun run, TaskSummary summary, Baseline current,
        BenchmarkTask? task, CancellationToken cancellationToken)
    {
        var (verified, verifiedExamples) = baselines.TryReadVerifiedPair(current.Family, summary.Task);
        PerExampleBaseline? currentExamples = null;
        if (verifiedExamples is not null)
        {
            var columns = summary.Checkpoints
                .Select(c => (c.Checkpoint, Scores: (IReadOnlyList<ExampleScore>?)run.ReadExamples(summary.Task, c.Checkpoint, control: false, cancellationToken)))
                .ToList();
            if (columns.All(c => c.Scores is not null))
                currentExamples = PerExampleBaseline.FromScores(current.Family, summary.Task, summary.PrimaryMetric, summary.DataSha256,
                    columns.Select(c => (c.Checkpoint, c.Scores!)).ToList(), verifiedExamples.Decimals);
        }
        return rule.Compare(new GateComparison(verified, current, Result: null)
        {
            VerifiedExamples = verifiedExamples,
            CurrentExamples = currentExamples,
            Task = task,
            Accept = baselines.Instructions(current.Family, summary.Task),
        });
    }

    private static List<string> LabelsOf(IReadOnlyList<FinishedRun> runs) => runs
        .Select(r => runs.Count(o => o.Summary.Family == r.Summary.Family) > 1 ? $"{r.Summary.Family} ({r.Name})" : r.Summary.Family)
        .ToList();
}

/// <summary>Finds the examples that flip from right on the smallest checkpoint to wrong on the largest.</summary>
internal static class FlipFinder
{
    public static TaskFlips? Find(FinishedRun run, string label, TaskSummary summary, BenchmarkTask? task, CancellationToken cancellationToken)
    {
        if (summary.Format != TaskFormat.Classification.ToName() || summary.Checkpoints.Count < 2) return null;
        var bySize = summary.Checkpoints.OrderBy(c => c.Size).ToList();
        var (smallest, largest) = (bySize[0].Checkpoint, bySize[^1].Checkpoint);
        if (run.ReadExamples(summary.Task, smallest, control: false, cancellationToken) is not { } small
            || run.ReadExamples(summary.Task, largest, control: false, cancellationToken) is not { } large)
            return new TaskFlips(label, summary.Task, smallest, largest, 0, 0, [], "the per-example files are missing from the run folder");

        var largeByIndex = large.ToDictionary(s => s.Index);
        var flipped = small
            .Where(s => s.Correct == true && largeByIndex.TryGetValue(s.Index, out var l) && l.Correct == false)
            .Select(s => (Small: s, Large: largeByIndex[s.Index]))
            // Sharpest first: the largest rise in the gold class's loss.
            .OrderByDescending(p => p.Large.Loss - p.Small.Loss).ThenBy(p => p.Small.Index)
            .ToList();
        var compared = small.Count(s => largeByIndex.ContainsKey(s.Index));
        var shown = flipped.Take(ScalingReport.FlipsShown).ToList();

        string? note = null;
        Dictionary<int, ClassificationExample> rows = [];
        if (task is null) note = $"task {summary.Task} is not under the tasks folder, so its prompts are not shown";
        else if (shown.Count > 0 && FileHash.Sha256(task.DataPath) != summary.DataSha256)
            note = $"{Path.GetFileName(task.DataPath)} changed since the run, so its prompts are not shown";
        else if (shown.Count > 0)
        {
            var wanted = shown.Select(p => p.Small.Index).ToHashSet();
            rows = task.ReadExamples(cancellationToken).OfType<ClassificationExample>()
                .TakeWhile(_ => wanted.Count > 0)
                .Where(e => wanted.Remove(e.Index))
                .ToDictionary(e => e.Index);
        }
        return new TaskFlips(label, summary.Task, smallest, largest, flipped.Count, compared,
            shown.Select(p => new FlipExample(p.Small.Index, rows.GetValueOrDefault(p.Small.Index),
                p.Small.Predicted ?? -1, p.Large.Predicted ?? -1, Math.Exp(-p.Small.Loss), Math.Exp(-p.Large.Loss))).ToList(),
            note);
    }
}
