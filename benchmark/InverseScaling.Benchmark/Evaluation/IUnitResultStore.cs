using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// Keeps each scored (checkpoint, task set) unit, so that a run interrupted at any point and started again loads the units
/// it finished instead of scoring them again. <c>Runs/UnitResultFiles</c> keeps them in the run's output folder.
/// </summary>
public interface IUnitResultStore
{
    /// <summary>The unit's saved scores when they were saved under a key equal to <paramref name="key"/> and are intact; otherwise null.</summary>
    SavedUnit? TryLoad(UnitKey key);

    /// <summary>Saves a scored unit under its key; when this returns, a later <see cref="TryLoad"/> with an equal key finds it.</summary>
    void Save(UnitKey key, CheckpointTaskResult result);
}

/// <summary>A unit's per-example scores and encoding counts as saved; metrics and size are recomputed by the run that loads it.</summary>
public sealed record SavedUnit(IReadOnlyList<ExampleScore> Examples, EncodingStats Encoding);
