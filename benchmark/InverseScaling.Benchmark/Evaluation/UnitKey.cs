using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// Everything a (checkpoint, task set) unit's per-example scores depend on. A unit saved under an equal key is reused by a
/// resumed run; any difference (the checkpoint's <see cref="ScoringIdentity"/>: a model, external-data, with-past or
/// tokenizer file, context length, BOS setting, scorer, suite build, ONNX Runtime or device; or the task data, limit,
/// few-shot setting or size measure) means it is scored again. Thread count, token budget and chunk size are left out:
/// they change the scores by floating-point rounding only (see docs/reliability.md).
/// </summary>
/// <param name="Scoring">What decides the checkpoint's scores, whatever the task.</param>
/// <param name="TaskDataSha256">sha256 of the file the unit reads: the task's data file, or its control file.</param>
/// <param name="Format">The task's format name (<see cref="Formats.FormatCatalog"/>).</param>
/// <param name="Limit">Examples scored per task set, when limited.</param>
/// <param name="Shots">Demonstrations put before each example (0: the task as written).</param>
/// <param name="ShotSeed">The seed that chose the demonstrations; null without shots.</param>
/// <param name="SizeMeasure">The run's size measure name (<see cref="Scaling.SizeMeasures.ToName"/>).</param>
public sealed record UnitKey(
    string Checkpoint,
    string Task,
    bool Control,
    ScoringIdentity Scoring,
    string TaskDataSha256,
    string Format,
    int? Limit,
    int Shots,
    int? ShotSeed,
    string SizeMeasure)
{
    /// <summary>The key of <paramref name="task"/>'s data (or control set) scored under <paramref name="scoring"/> and <paramref name="options"/>.</summary>
    /// <param name="hashes">Hashes files; a run passes one <see cref="FileHashes"/> so each file is read once.</param>
    public static UnitKey For(string checkpoint, ScoringIdentity scoring, BenchmarkTask task, bool control, EvaluationOptions options, FileHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hashes);
        var data = control ? task.ControlPath ?? throw new ArgumentException($"task {task.Name} has no control set", nameof(control)) : task.DataPath;
        return new UnitKey(
            checkpoint,
            task.Name,
            control,
            scoring,
            hashes.Sha256(data),
            task.Definition.Format,
            options.Limit,
            options.Shots,
            options.Shots > 0 ? options.ShotSeed : null,
            Scaling.SizeMeasures.ToName(options.SizeMeasure));
    }
}
