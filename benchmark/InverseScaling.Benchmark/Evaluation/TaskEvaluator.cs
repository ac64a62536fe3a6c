using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// Scores a family one task at a time, as the gate theories do. One runner per model, opened on first use and shared by
/// every task, by its <see cref="ScoringIdentity"/>; each (model, task set) scored once under its <see cref="UnitKey"/> without the checkpoint's name, so a family
/// that lists one model under two checkpoints, or a copy of the family with one checkpoint's model swapped for another's,
/// reuses the scores. Thread-safe: scoring runs one task set at a time.
/// </summary>
public sealed class TaskEvaluator(EvaluationOptions options) : IDisposable
{
    private readonly Dictionary<ScoringIdentity, CheckpointRunner> _runners = [];
    private readonly Dictionary<UnitKey, CheckpointTaskResult> _scores = [];
    private readonly FileHashes _hashes = new();
    private readonly Lock _lock = new();

    public EvaluationOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Scores <paramref name="task"/> (and its control set, when the options include controls) on every checkpoint and fits each metric.</summary>
    public TaskResult Evaluate(Family family, BenchmarkTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(task);
        family.RequireScalingPoints(Options.SizeMeasure);
        var data = family.Checkpoints.Select(c => Score(family, c, task, control: false, cancellationToken)).ToList();
        var control = Options.IncludeControls && task.ControlPath is not null
            ? FamilyEvaluator.Fit(task, family.Checkpoints.Select(c => Score(family, c, task, control: true, cancellationToken)).ToList(), Options.Scaling, cancellationToken)
            : null;
        return new TaskResult(task.Definition, _hashes.Sha256(task.DataPath, cancellationToken),
            FamilyEvaluator.Fit(task, data, Options.Scaling, cancellationToken), control);
    }

    private CheckpointTaskResult Score(Family family, Checkpoint checkpoint, BenchmarkTask task, bool control, CancellationToken cancellationToken)
    {
        var size = family.Size(checkpoint, Options.SizeMeasure);
        var model = ScoringIdentity.For(checkpoint, Options, _hashes);
        var key = UnitKey.For("", model, task, control, Options, _hashes);
        lock (_lock)
        {
            if (!_scores.TryGetValue(key, out var scored))
            {
                if (!_runners.TryGetValue(model, out var runner)) _runners[model] = runner = CheckpointRunner.Create(family, checkpoint, Options, model);
                scored = runner.Score(task.Format, FamilyEvaluator.Examples(task, control, Options, cancellationToken), null, cancellationToken);
                _scores[key] = scored;
            }
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
        lock (_lock)
        {
            foreach (var runner in _runners.Values) runner.Dispose();
            _runners.Clear();
        }
    }
}
