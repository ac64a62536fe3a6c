using InverseScaling.Benchmark.Evaluation;

namespace InverseScaling.Benchmark.Reports;

/// <summary>Writes each (checkpoint, task set) unit's per-example scores as soon as it completes.</summary>
public sealed class ExampleLogObserver(string outDirectory) : IEvaluationObserver
{
    public void Completed(PlannedUnit unit, CheckpointTaskResult result) =>
        ResultFiles.WriteExamples(outDirectory, unit.Task, unit.Checkpoint, unit.Control, result.Examples);
}

/// <summary>Forwards every event to several observers in order.</summary>
public sealed class CompositeObserver(params IEvaluationObserver[] observers) : IEvaluationObserver
{
    public void Planned(IReadOnlyList<PlannedUnit> units)
    {
        foreach (var o in observers) o.Planned(units);
    }

    public void Progress(PlannedUnit unit, int scored)
    {
        foreach (var o in observers) o.Progress(unit, scored);
    }

    public void Completed(PlannedUnit unit, CheckpointTaskResult result)
    {
        foreach (var o in observers) o.Completed(unit, result);
    }
}
