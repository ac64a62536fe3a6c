using System.Text.Json;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Reliability;
using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Formats;

/// <summary>
/// Regression: an official-layout logodds CSV given to <c>run --tasks</c> without a <c>task.json</c> scored every
/// checkpoint and then crashed with a stack trace, because its default primary metric was "loss", which logodds does not
/// report. It now runs to the end and gates on logodds_difference.
/// </summary>
public sealed class BareLogOddsRunTests
{
    [Theory]
    [InlineData(TaskFormat.LogOdds)]
    [InlineData(TaskFormat.AbsoluteLogOdds)]
    public async Task A_bare_logodds_csv_runs_to_the_end_with_the_logodds_difference(TaskFormat format)
    {
        var root = TestPaths.NewTempDirectory();
        var family = SmallestReferenceCheckpoint.WriteCopies(Path.Combine(root, "family"), "copies", ("copy-small", 10_000), ("copy-large", 100_000));
        var data = Path.Combine(root, "tasks", Path.GetFileName(OfficialFiles.Path(format, "csv")));
        Directory.CreateDirectory(Path.GetDirectoryName(data)!);
        File.Copy(OfficialFiles.Path(format, "csv"), data);
        var output = Path.Combine(root, "out");

        var result = await CliRunner.RunInProcessAsync(
            ["run", "--family", family, "--tasks", data, "--out", output, "--baselines", Path.Combine(root, "baselines"), "--no-cache", "--quiet"],
            TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}; stderr: {result.Error}");
        Assert.DoesNotContain("   at ", result.Error + result.Output);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var task = Assert.Single(summary.RootElement.GetProperty("tasks").EnumerateArray());
        Assert.Equal("probe", task.GetProperty("task").GetString());
        Assert.Equal(format.ToName(), task.GetProperty("format").GetString());
        Assert.Equal("logodds_difference", task.GetProperty("primaryMetric").GetString());
        Assert.Equal(["accuracy", "logodds_difference", "total_logprob"], task.GetProperty("fits").EnumerateObject().Select(p => p.Name));
        var means = task.GetProperty("checkpoints").EnumerateArray()
            .Select(c => c.GetProperty("metrics").GetProperty("logodds_difference").GetProperty("mean").GetDouble()).ToList();
        // Both checkpoints are the same weights: the same mean, and a flat fit.
        Assert.Equal(2, means.Count);
        Assert.Equal(means[0], means[1]);
        Assert.Equal(0, task.GetProperty("fits").GetProperty("logodds_difference").GetProperty("slope").GetDouble(), 1e-12);
    }
}
