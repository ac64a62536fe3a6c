using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using Xunit;

namespace InverseScaling.Benchmark.Gate;

/// <summary>
/// One theory per task: score every checkpoint of the family, fit the slope of the task's primary metric against size, and
/// compare it with <c>&lt;baselines&gt;/&lt;family&gt;/&lt;task&gt;.verified.json</c>. The package adds a class deriving from
/// this one to an xunit v3 test project (leave it out with <c>InverseScalingGateTheories=false</c> and derive your own in one
/// line). Filter with <c>--filter Category=Gate</c>, <c>Task=neqa</c>, <c>Cause=strong-prior</c> or <c>Format=classification</c>.
/// </summary>
public abstract class InverseScalingGate
{
    [Theory]
    [GateTasks]
    public async Task Scaling_is_no_worse_than_the_baseline(string task)
    {
        var context = TestContext.Current;
        var gate = await context.GetFixture<GateFixture>() ?? throw new InvalidOperationException(
            $"the gate needs its fixture: add [assembly: AssemblyFixture(typeof({typeof(GateFixture).FullName}))] to the test project");
        GateVerdict verdict;
        try
        {
            if (task == GateTasksAttribute.SettingsError) _ = gate.Tasks;
            verdict = gate.Check(task, context.CancellationToken);
        }
        catch (BenchmarkInputException e)
        {
            Assert.Fail(e.Message);
            throw;
        }

        context.TestOutputHelper?.WriteLine(verdict.Message);
        if (verdict.Outcome == GateOutcome.Improved)
            context.SendDiagnosticMessage($"{task}: scaling improved on the baseline; to keep it, {verdict.AcceptCommand}");
        Assert.True(verdict.Passed, verdict.Message);
    }
}
