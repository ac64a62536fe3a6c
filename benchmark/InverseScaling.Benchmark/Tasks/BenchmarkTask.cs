using InverseScaling.Benchmark.Formats;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>A task resolved on disk: its card, its folder and the absolute paths of its data and control files.</summary>
public sealed record BenchmarkTask(TaskDefinition Definition, string Directory, string DataPath, string? ControlPath)
{
    public string Name => Definition.Name;

    public TaskFormat Format => FormatCatalog.Get(Definition.Format).Format;

    /// <summary>Streams the task's examples.</summary>
    public IEnumerable<TaskExample> ReadExamples(CancellationToken cancellationToken = default) =>
        TaskFileReader.Read(DataPath, Format, cancellationToken);

    /// <summary>Streams the control set's examples, or nothing when the task has none.</summary>
    public IEnumerable<TaskExample> ReadControl(CancellationToken cancellationToken = default) =>
        ControlPath is null ? [] : TaskFileReader.Read(ControlPath, Format, cancellationToken);
}
