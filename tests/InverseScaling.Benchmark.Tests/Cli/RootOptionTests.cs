using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Commands;
using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Cli;

/// <summary><c>--root</c>: outputs and received baselines go under the folder given, and the messages name it.</summary>
public sealed class RootOptionTests
{
    [Fact]
    public async Task A_run_under_another_root_writes_its_output_and_received_baseline_there_and_prints_the_tool_accept_command()
    {
        var root = TestPaths.NewTempDirectory();

        var result = await CliRunner.RunInProcessAsync(
            ["run", "--root", root, "--family", TestPaths.ReferenceFamilyManifest, "--tasks", Path.Combine(TestPaths.Tasks, "neqa"), "--limit", "3", "--no-controls", "--quiet"],
            TestContext.Current.CancellationToken);

        Assert.Equal(CommandErrors.Passed, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(root, "out", "reference", "summary.json")));
        var received = Path.Combine(root, "baselines", "reference", "neqa" + BaselineStore.ReceivedSuffix);
        Assert.True(File.Exists(received));
        Assert.Contains($"no baseline yet for reference/neqa. This run's result is written to {received}", result.Output);
        Assert.Contains($"dotnet inverse-scaling accept --baselines {Path.Combine(root, "baselines")} --family reference --task neqa", result.Output);
        Assert.False(File.Exists(Path.Combine(TestPaths.Baselines, "reference", "neqa" + BaselineStore.ReceivedSuffix)));
    }

    [Fact]
    public async Task Outside_a_checkout_a_family_must_be_named_and_the_root_must_exist()
    {
        var root = TestPaths.NewTempDirectory();

        var noFamily = await CliRunner.RunInProcessAsync(["run", "--root", root, "--tasks", Path.Combine(TestPaths.Tasks, "neqa")], TestContext.Current.CancellationToken);
        var noRoot = await CliRunner.RunInProcessAsync(["accept", "--root", Path.Combine(root, "missing"), "--all"], TestContext.Current.CancellationToken);

        Assert.Equal(CommandErrors.InputError, noFamily.ExitCode);
        Assert.Equal("error: no family: give --family path/to/family.json (only a checkout of the suite has a default family, the reference one)", Assert.Single(noFamily.ErrorLines));
        Assert.Equal(CommandErrors.InputError, noRoot.ExitCode);
        Assert.Contains($"{Path.Combine(root, "missing")} (--root): no such folder", noRoot.Error);
    }
}
