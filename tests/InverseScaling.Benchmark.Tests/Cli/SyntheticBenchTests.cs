using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Cli;

/// <summary>
/// <c>bench --synthetic</c> end to end on the tiny set: with-past exports by default (the key/value engine), plain
/// exports with <c>--plain-exports</c> (shared prompts only); both agree with the naive algorithm and say so.
/// </summary>
public sealed class SyntheticBenchTests
{
    [Theory]
    [InlineData(false, "engine/kv-cache", "plain and with-past exports")]
    [InlineData(true, "engine/shared-prefixes", "plain exports only")]
    public async Task The_tiny_synthetic_family_is_measured_with_the_engine_its_exports_allow(bool plain, string engine, string exports)
    {
        string[] args =
        [
            "bench", "--synthetic", "--sizes", "tiny", "--checkpoints", "d64-l2", "--tasks", Path.Combine(TestPaths.Tasks, "neqa"),
            "--limit", "3", "--no-controls", "--no-cache", "--peak-seconds", "0", "--root", TestPaths.NewTempDirectory(),
            .. plain ? new[] { "--plain-exports" } : [],
        ];

        var result = await CliRunner.RunInProcessAsync(args, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"context 1,024, {exports};", result.Output);
        Assert.Contains($"d64-l2: measured in", result.Output);
        Assert.Contains($"(engine: {engine})", result.Output);
        Assert.Contains("the engine agrees with the naive algorithm within 1E-005", result.Output);
        Assert.Contains("(each with only its own model open, the engine first;", result.Output);
    }

    [Fact]
    public async Task Plain_exports_without_synthetic_is_a_usage_error()
    {
        var result = await CliRunner.RunInProcessAsync(["bench", "--plain-exports", "--root", TestPaths.RepositoryRoot], TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            ["error: --plain-exports without --synthetic: add --synthetic, or leave --plain-exports out (a family's own exports are those its family.json lists)"],
            result.ErrorLines);
    }
}
