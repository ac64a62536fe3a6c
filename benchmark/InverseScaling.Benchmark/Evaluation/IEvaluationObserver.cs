namespace InverseScaling.Benchmark.Evaluation;

/// <summary>Hears about a run's progress; the command line draws bars or prints lines from it.</summary>
public interface IEvaluationObserver
{
    /// <summary>Before any scoring: every (checkpoint, task set) pair the run will score, with example counts.</summary>
    void Planned(IReadOnlyList<PlannedUnit> units) { }

    /// <summary>Examples of <paramref name="unit"/> scored so far.</summary>
    void Progress(PlannedUnit unit, int scored) { }

    void Completed(PlannedUnit unit, CheckpointTaskResult result) { }

    /// <summary>Instead of <see cref="Completed"/>: the unit was loaded from an earlier, interrupted run's saved results.</summary>
    void Resumed(PlannedUnit unit, CheckpointTaskResult result) { }
}

/// <summary>One task set (a task's data or its control set) on one checkpoint.</summary>
public sealed record PlannedUnit(string Checkpoint, string Task, bool Control, int Examples)
{
    public string Label => Control ? $"{Checkpoint} · {Task} (control)" : $"{Checkpoint} · {Task}";
}
