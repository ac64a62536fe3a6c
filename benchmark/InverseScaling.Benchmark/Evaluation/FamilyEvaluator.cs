using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>Scores tasks on every checkpoint of a family and fits each metric against model size.</summary>
public static class FamilyEvaluator
{
    public static FamilyRunResult Evaluate(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options,
        IEvaluationObserver? observer = null, CancellationToken cancellationToken = default) =>
        Evaluate(family, tasks, options, observer, store: null, cancellationToken);

    /// <summary>
    /// As <see cref="Evaluate(Family, IReadOnlyList{BenchmarkTask}, EvaluationOptions, IEvaluationObserver?, CancellationToken)"/>,
    /// resuming from <paramref name="store"/>: a unit saved there under an equal <see cref="UnitKey"/> is loaded instead of
    /// scored, and every unit scored is saved before the observer hears of it. A checkpoint whose units are all saved is
    /// not even loaded.
    /// </summary>
    public static FamilyRunResult Evaluate(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options,
        IEvaluationObserver? observer, IUnitResultStore? store, CancellationToken cancellationToken)
    {
        var sizes = family.RequireScalingPoints(options.SizeMeasure);
        observer ??= new NullObserver();
        var plan = Plan(family, tasks, options);
        observer.Planned(plan.SelectMany(p => p.Units).ToList());

        var hashes = new FileHashes();
        var data = tasks.ToDictionary(t => t.Name, _ => new List<CheckpointTaskResult>());
        var control = tasks.ToDictionary(t => t.Name, _ => new List<CheckpointTaskResult>());
        for (var c = 0; c < plan.Count; c++)
        {
            var (checkpoint, units) = plan[c];
            var unitRun = new UnitRun(family, checkpoint, sizes[c], units, options, observer, store, hashes);
            try
            {
                foreach (var task in tasks)
                {
                    data[task.Name].Add(unitRun.Run(task, control: false, cancellationToken));
                    if (options.IncludeControls && task.ControlPath is not null)
                    {
                        control[task.Name].Add(unitRun.Run(task, control: true, cancellationToken));
                    }
                }
            }
            finally
            {
                unitRun.Dispose();
            }
        }

        var results = tasks.Select(task => new TaskResult(
            task.Definition,
            hashes.Sha256(task.DataPath),
            Fit(task, data[task.Name], options.Scaling, cancellationToken),
            control[task.Name].Count > 0 ? Fit(task, control[task.Name], options.Scaling, cancellationToken) : null)).ToList();
        return new FamilyRunResult(family.Name, family.Checkpoints, results, Settings(options));
    }

    /// <summary>
    /// One shard of a run split over machines: scores only the (checkpoint, task) pairs <paramref name="include"/> accepts,
    /// with their control sets, and saves each unit to <paramref name="store"/> (loading it instead where it is saved under an
    /// equal key). The saved units are those <see cref="Evaluate(Family, IReadOnlyList{BenchmarkTask}, EvaluationOptions, IEvaluationObserver?, IUnitResultStore?, CancellationToken)"/>
    /// saves, so a store holding every shard's units gives the same result as a single run. Checkpoints without a pair are not loaded.
    /// </summary>
    /// <param name="include">Takes a checkpoint name and a task name.</param>
    public static void ScoreUnits(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options, Func<string, string, bool> include,
        IEvaluationObserver? observer, IUnitResultStore store, CancellationToken cancellationToken)
    {
        var sizes = family.RequireScalingPoints(options.SizeMeasure);
        observer ??= new NullObserver();
        var plan = Plan(family, tasks, options)
            .Select(p => (p.Checkpoint, Units: (IReadOnlyList<PlannedUnit>)p.Units.Where(u => include(u.Checkpoint, u.Task)).ToList()))
            .ToList();
        observer.Planned(plan.SelectMany(p => p.Units).ToList());

        var hashes = new FileHashes();
        for (var c = 0; c < plan.Count; c++)
        {
            var (checkpoint, units) = plan[c];
            if (units.Count == 0) continue;
            using var unitRun = new UnitRun(family, checkpoint, sizes[c], units, options, observer, store, hashes);
            foreach (var task in tasks.Where(t => include(checkpoint.Name, t.Name)))
            {
                unitRun.Run(task, control: false, cancellationToken);
                if (options.IncludeControls && task.ControlPath is not null) unitRun.Run(task, control: true, cancellationToken);
            }
        }
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

    /// <summary>The examples a unit scores: the task's data or control set, with the run's few-shot demonstrations and limit.</summary>
    internal static IEnumerable<TaskExample> Examples(BenchmarkTask task, bool control, EvaluationOptions options, CancellationToken cancellationToken)
    {
        var examples = control ? task.ReadControl(cancellationToken) : task.ReadExamples(cancellationToken);
        // Few-shot demonstrations are drawn from the whole file, so it is read before the limit applies.
        if (options.Shots > 0) examples = FewShot.Build(examples.ToList(), options.Shots, options.ShotSeed);
        return options.Limit is { } limit ? examples.Take(limit) : examples;
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

    /// <summary>Non-empty lines (jsonl) or data rows (csv): an estimate for progress, not a validation. Streams bytes, so a huge line costs no memory.</summary>
    internal static int CountLines(string path, int? limit)
    {
        using var stream = InputFile.OpenRead(path, InputLimits.TaskFileBytes, "the task data file", "give the path of the task's data file");
        var buffer = new byte[1 << 16];
        int count = 0, read;
        var lineHasText = false;
        while ((read = stream.Read(buffer)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'\n')
                {
                    if (lineHasText) count++;
                    lineHasText = false;
                }
                else if (b != (byte)'\r') lineHasText = true;
            }
            if (limit is { } l && count > l + 1) break;
        }
        if (lineHasText) count++;
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) count = Math.Max(0, count - 1);
        return limit is { } max ? Math.Min(max, count) : count;
    }

    /// <summary>The units of one checkpoint: loads saved ones, scores the others, opening the model only when one needs scoring.</summary>
    private sealed class UnitRun(Family family, Checkpoint checkpoint, double size, IReadOnlyList<PlannedUnit> units, EvaluationOptions options,
        IEvaluationObserver observer, IUnitResultStore? store, FileHashes hashes) : IDisposable
    {
        private CheckpointRunner? _runner;
        private ScoringIdentity? _scoring;

        public CheckpointTaskResult Run(BenchmarkTask task, bool control, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var unit = units.First(u => u.Task == task.Name && u.Control == control);
            _scoring ??= ScoringIdentity.For(checkpoint, options, hashes);
            var key = store is null ? null : UnitKey.For(checkpoint.Name, _scoring, task, control, options, hashes);
            if (key is not null && store!.TryLoad(key) is { } saved)
            {
                var loaded = new CheckpointTaskResult(checkpoint.Name, size, saved.Examples,
                    new CheckpointMetrics(checkpoint.Name, size, MetricAggregation.Aggregate(task.Format, saved.Examples)), saved.Encoding);
                observer.Resumed(unit, loaded);
                return loaded;
            }

            _runner ??= CheckpointRunner.Create(family, checkpoint, options, _scoring);
            var result = _runner.Score(task.Format, Examples(task, control, options, cancellationToken), scored => observer.Progress(unit, scored), cancellationToken);
            if (key is not null) store!.Save(key, result);
            observer.Completed(unit, result);
            return result;
        }

        public void Dispose() => _runner?.Dispose();
    }

    private sealed class NullObserver : IEvaluationObserver;
}
