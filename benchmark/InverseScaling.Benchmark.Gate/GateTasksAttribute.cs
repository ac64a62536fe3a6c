using System.Reflection;
using InverseScaling.Benchmark.Diagnostics;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace InverseScaling.Benchmark.Gate;

/// <summary>
/// One theory row per task of the test assembly's settings (<see cref="GateConfiguration"/>), named <c>gate: &lt;task&gt;</c>,
/// with the traits <c>Category=Gate</c>, <c>Task</c>, <c>Cause</c> and <c>Format</c> for <c>dotnet test --filter</c>. Settings
/// that cannot be read give one row that fails with their error, so the run reports it instead of losing the theory.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GateTasksAttribute : DataAttribute
{
    /// <summary>The row a theory gets when the settings cannot be read: it fails with the error.</summary>
    public const string SettingsError = "(settings)";

    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        IReadOnlyCollection<ITheoryDataRow> rows;
        try
        {
            rows = GateConfiguration.Read(GateAssembly.Of(testMethod)).Settings.DiscoverTasks()
                .Select(task => (ITheoryDataRow)new TheoryDataRow<string>(task.Name)
                    .WithTestDisplayName($"gate: {task.Name}")
                    .WithTrait("Category", "Gate")
                    .WithTrait("Task", task.Name)
                    .WithTrait("Cause", task.Definition.Cause ?? "none")
                    .WithTrait("Format", task.Definition.Format))
                .ToList();
        }
        catch (BenchmarkInputException)
        {
            rows = [new TheoryDataRow<string>(SettingsError).WithTestDisplayName("gate: settings").WithTrait("Category", "Gate")];
        }
        return new(rows);
    }

    public override bool SupportsDiscoveryEnumeration() => true;
}
