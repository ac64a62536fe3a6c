using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Gate;

/// <summary>
/// One theory row per task under <c>tasks/</c>: score every checkpoint of the family, fit the slope of the task's
/// primary metric against size, and compare it with <c>baselines/&lt;family&gt;/&lt;task&gt;.verified.json</c>.
/// Filter with <c>--filter Task=neqa</c>, <c>Cause=strong-prior</c>, <c>Format=classification</c> or <c>Category=Gate</c>.
/// </summary>
public sealed class TaskGateTests(GateFixture gate, ITestOutputHelper output)
{
    public static IEnumerable<TheoryDataRow<string>> Tasks() =>
        TaskCatalog.Discover(TestPaths.Tasks).Select(task => new TheoryDataRow<string>(task.Name)
            .WithTestDisplayName($"gate: {task.Name}")
            .WithTrait("Category", "Gate")
            .WithTrait("Task", task.Name)
            .WithTrait("Cause", task.Definition.Cause ?? "none")
            .WithTrait("Format", task.Definition.Format));

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Scaling_is_no_worse_than_the_baseline(string task)
    {
        var benchmarkTask = TaskCatalog.Discover(TestPaths.Tasks).Single(t => t.Name == task);

        var verdict = gate.Check(benchmarkTask, TestContext.Current.CancellationToken);

        output.WriteLine(verdict.Message);
        if (verdict.Outcome == GateOutcome.Improved)
        {
            TestContext.Current.SendDiagnosticMessage($"{task}: scaling improved on the baseline; to keep it, {verdict.AcceptCommand}");
        }
        Assert.True(verdict.Passed, verdict.Message);
    }
}
