using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>Builds one task's files from templates and committed sources. Same sources, same seed: same bytes.</summary>
public interface ITaskGenerator
{
    /// <summary>The task's folder name under <c>tasks/</c>.</summary>
    string Name { get; }

    GeneratedTask Generate(GeneratorSources sources);
}

/// <summary>Everything written to <c>tasks/&lt;name&gt;/</c>: the data, the control set, <c>task.json</c> and the card.</summary>
public sealed record GeneratedTask(TaskDefinition Definition, IReadOnlyList<TaskRow> Rows, IReadOnlyList<TaskRow> Control, string Card);
