using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>Scores tasks on every checkpoint of a family and fits each metric against model size.</summary>
public static class FamilyEvaluator
{
    public static FamilyRunResult Evaluate(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options,
        IEvaluationObserver? observer = null, CancellationToken cancellationToken = default)
    {
        family.RequireScalingPoints();
        observer ??= new NullObserver();
        var plan = Plan(family, tasks, options);
        observer.Planned(plan.SelectMany(p => p.Units).ToList());

        var data = tasks.ToDictionary(t => t.Name, _ => new List<CheckpointTaskResult>());
        var control = tasks.ToDictionary(t => t.Name, _ => new List<CheckpointTaskResult>());
        foreach (var (checkpoint, units) in plan)
        {
            using var runner = CheckpointRunner.Create(family, checkpoint, options);
            foreach (var task in tasks)
            {
                data[task.Name].Add(ScoreUnit(runner, task, control: false, units, options, observer, cancellationToken));
                if (options.IncludeControls && task.ControlPath is not null)
                {
                    control[task.Name].Add(ScoreUnit(runner, task, control: true, units, options, observer, cancellationToken));
                }
            }
        }

        var results = tasks.Select(task => new TaskResult(
            task.Definition,
            FileHash.Sha256(task.DataPath),
            Fit(task, data[task.Name], options.Scaling, cancellationToken),
            control[task.Name].Count > 0 ? Fit(task, control[task.Name], options.Scaling, cancellationToken) : null)).ToList();
        return new FamilyRunResult(family.Name, family.Checkpoints, results, Settings(options));
    }

    /// <summary>The settings recorded with a run's results and baselines.</summary>
    public static RunSettings Settings(EvaluationOptions options) => new(
        options.SizeMeasure.ToName(), options.Limit, options.Scaling.Resamples, options.Scaling.Seed, SuiteInfo.Version, options.Shots);

    /// <summary>Fits every metric of one task set across checkpoints.</summary>
    public static TaskSetResult Fit(BenchmarkTask task, IReadOnlyList<CheckpointTaskResult> checkpoints, ScalingOptions options, CancellationToken cancellationToken)
    {
        var sizes = checkpoints.Select(c => c.Size).ToList();
        var fits = new SortedDictionary<string, ScalingFit>(StringComparer.Ordinal);
        foreach (var metric in checkpoints[0].Metrics.Metrics.Keys)
        {
            var values = checkpoints.Select(c => (IReadOnlyList<double>)MetricAggregation.Values(metric, c.Examples)).ToList();
            double? chance = task.Definition.Chance is { } ch && ch.TryGetValue(metric, out var v) ? v : null;
            fits[metric] = ScalingFitter.Fit(metric, sizes, values, chance, options, cancellationToken);
        }
        return new TaskSetResult(checkpoints, fits);
    }

    private static CheckpointTaskResult ScoreUnit(CheckpointRunner runner, BenchmarkTask task, bool control,
        IReadOnlyList<PlannedUnit> units, EvaluationOptions options, IEvaluationObserver observer, CancellationToken cancellationToken)
    {
        var unit = units.First(u => u.Task == task.Name && u.Control == control);
        var examples = control ? task.ReadControl(cancellationToken) : task.ReadExamples(cancellationToken);
        // Few-shot demonstrations are drawn from the whole file, so it is read before the limit applies.
        if (options.Shots > 0) examples = FewShot.Build(examples.ToList(), options.Shots, options.ShotSeed);
        if (options.Limit is { } limit) examples = examples.Take(limit);
        var result = runner.Score(task.Format, examples, scored => observer.Progress(unit, scored), cancellationToken);
        observer.Completed(unit, result);
        return result;
    }

    private static List<(Checkpoint Checkpoint, IReadOnlyList<PlannedUnit> Units)> Plan(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options)
    {
        var counts = new Dictionary<(string, bool), int>();
        foreach (var task in tasks)
        {
            counts[(task.Name, false)] = CountLines(task.DataPath, options.Limit);
            if (options.IncludeControls && task.ControlPath is not null) counts[(task.Name, true)] = CountLines(task.ControlPath, options.Limit);
        }
        return family.Checkpoints.Select(c => (c, (IReadOnlyList<PlannedUnit>)counts
            .Select(kv => new PlannedUnit(c.Name, kv.Key.Item1, kv.Key.Item2, kv.Value)).ToList())).ToList();
    }

    /// <summary>Non-empty lines (jsonl) or data rows (csv): an estimate for progress, not a validation.</summary>
    private static int CountLines(string path, int? limit)
    {
        var count = File.ReadLines(path).Count(line => line.Length > 0);
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) count = Math.Max(0, count - 1);
        return limit is { } l ? Math.Min(l, count) : count;
    }

    private sealed class NullObserver : IEvaluationObserver;
}
