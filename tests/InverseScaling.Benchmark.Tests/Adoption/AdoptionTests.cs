using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Reliability;
using InverseScaling.Benchmark.Tests.Tokenization;

namespace InverseScaling.Benchmark.Tests.Adoption;

/// <summary>
/// A model team adopts the gate in its own repository, as the README's "Use it in your own repository" says: the packages
/// from a local feed, the template, the tool, and a family of its own (three reference checkpoints named "acme").
/// </summary>
public sealed partial class AdoptionTests
{
    private const string Family = "acme";
    private static readonly string[] Checkpoints = ["ref-13k", "ref-57k", "ref-150k"];

    [Fact]
    [Trait("Category", "Adoption")]
    public async Task A_team_gates_its_own_family_in_its_own_repository_with_the_packages_the_template_and_the_tool()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var workspace = AdoptionWorkspace.Create();
        var machine = new DotnetCommand();
        var team = new DotnetCommand(workspace.Packages);
        var version = $"{SuiteInfo.Version}-adoption.{Guid.NewGuid().ToString("N")[..8]}";

        // The packages, into a local feed (built outside bin/ and obj/, which this test run is using).
        Succeeded(await machine.RunAsync(TestPaths.RepositoryRoot, cancellation, "pack", "InverseScaling.Benchmark.sln", "-c", "Release",
            $"-p:InverseScalingBuildRoot={workspace.Build}", $"-p:PackageOutputPath={workspace.Feed}", $"-p:Version={version}",
            $"-p:ToolPackageRuntimeIdentifiers={RuntimeInformation.RuntimeIdentifier}"));
        foreach (var id in new[] { "", ".Tasks", ".Gate", ".Tool", $".Tool.{RuntimeInformation.RuntimeIdentifier}", ".Templates" })
            Assert.True(File.Exists(Path.Combine(workspace.Feed, $"InverseScaling.Benchmark{id}.{version}.nupkg")), $"no InverseScaling.Benchmark{id} package");

        // The team's repository: its family, its nuget.config (the local feed and this machine's sources), the template.
        workspace.WriteFamily(Family, Checkpoints);
        var sources = (await machine.RunAsync(workspace.Root, cancellation, "nuget", "list", "source", "--format", "short")).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal)).Select(line => line[2..].Trim()).ToList();
        var globalPackages = (await machine.RunAsync(workspace.Root, cancellation, "nuget", "locals", "global-packages", "--list")).Output.Trim();
        workspace.WriteNuGetConfig(sources, globalPackages[(globalPackages.IndexOf(": ", StringComparison.Ordinal) + 2)..].Trim());
        Succeeded(await team.RunAsync(workspace.Repository, cancellation, "new", "install", $"InverseScaling.Benchmark.Templates::{version}",
            "--add-source", workspace.Feed, "--debug:custom-hive", workspace.Hive));
        Succeeded(await team.RunAsync(workspace.Repository, cancellation, "new", "inverse-scaling-gate", "--family", "family/family.json",
            "--debug:custom-hive", workspace.Hive));
        Assert.True(File.Exists(Path.Combine(workspace.Repository, ".github", "workflows", "inverse-scaling-gate.yml")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(workspace.Repository, "gate", "README.md")).Length);

        // First run: red, one "no baseline yet" per task, each received file beside the team's baselines.
        var tasks = TaskCatalog.Discover(TestPaths.Tasks).Select(t => t.Name).ToList();
        var first = await team.RunAsync(workspace.Repository, cancellation, "test", "gate");
        Assert.Equal((tasks.Count, 0), Counts(first));
        var store = new BaselineStore(workspace.Baselines);
        foreach (var task in tasks)
        {
            Assert.Contains($"no baseline yet for {Family}/{task}. This run's result is written to {store.ReceivedPath(Family, task)}", first.Output);
            Assert.True(File.Exists(store.ReceivedPath(Family, task)), $"no received file for {task}");
        }

        // The installed tool accepts: the command the message printed for one task, then every other received result.
        Succeeded(await team.RunAsync(workspace.Repository, cancellation, "tool", "restore"));
        var printed = AcceptCommand().Match(first.Output);
        Assert.True(printed.Success, "the first run printed no accept command");
        Assert.Equal(store.Instructions(Family, printed.Groups["task"].Value).Command, printed.Value);
        Succeeded(await team.RunAsync(workspace.Repository, cancellation,
            "inverse-scaling", "accept", "--baselines", store.Root, "--family", Family, "--task", printed.Groups["task"].Value));
        Succeeded(await team.RunAsync(workspace.Repository, cancellation, "inverse-scaling", "accept", "--baselines", "gate/baselines", "--family", Family, "--all"));
        Assert.Equal(tasks.Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(store.Root, Family), "*" + BaselineStore.VerifiedSuffix)
            .Select(f => Path.GetFileName(f)[..^BaselineStore.VerifiedSuffix.Length]).Order(StringComparer.Ordinal));

        // Second run: green, the CI workflow's filter selecting exactly the gate theories.
        Assert.Equal((0, tasks.Count), Counts(await team.RunAsync(workspace.Repository, cancellation, "test", "gate", "--filter", "Category=Gate")));

        // A worse largest checkpoint (the smallest's weights, the manifest updated): red on the tasks it hurts, naming the team's files.
        workspace.ReplaceCheckpointModels(Checkpoints[^1], Checkpoints[0]);
        var regressed = await team.RunAsync(workspace.Repository, cancellation, "test", "gate");
        TestContext.Current.TestOutputHelper?.WriteLine(Tail(regressed.Output));
        var hurt = tasks.Where(t => LargestBeatsSmallest(store.TryReadVerified(Family, t)!, Checkpoints[0], Checkpoints[^1])).ToList();
        Assert.NotEmpty(hurt);
        Assert.InRange(Counts(regressed).Failed, hurt.Count, tasks.Count);
        foreach (var task in hurt)
        {
            var instructions = store.Instructions(Family, task);
            Assert.Contains($"{Family}/{task}: {store.TryReadVerified(Family, task)!.PrimaryMetric} regressed against the baseline", regressed.Output);
            Assert.Contains($"(the run writes it to {instructions.ReceivedPath}):\n  {instructions.Command}", regressed.Output.ReplaceLineEndings("\n"));
        }

        // The installed tool's native libraries load: ONNX Runtime (a bundled task scored under another root) and Hugging Face's
        // tokenizers (a real tokenizer.json gives the reference implementation's ids).
        var scratch = Directory.CreateDirectory(Path.Combine(workspace.Root, "scratch")).FullName;
        Succeeded(await team.RunAsync(workspace.Repository, cancellation,
            "inverse-scaling", "run", "--root", scratch, "--family", "family/family.json", "--tasks", "neqa", "--limit", "4", "--no-controls", "--quiet"));
        Assert.True(File.Exists(Path.Combine(scratch, "out", Family, "summary.json")));
        var text = ReferenceIds.TaskFiles().First().Take(1).SelectMany(ReferenceIds.Texts).First();
        var ids = await team.RunAsync(workspace.Repository, cancellation, "inverse-scaling", "tokenize", "--tokenizer", ReferenceIds.TokenizerJsonPath("qwen3"), "--text", text);
        Succeeded(ids);
        Assert.Equal(JsonSerializer.Serialize(ReferenceIds.Expected("qwen3")[ReferenceIds.Key(text)]), ids.Output.Trim());

        // Nothing was written into the suite's checkout.
        Assert.False(Directory.Exists(Path.Combine(TestPaths.Baselines, Family)));
    }

    /// <summary>Whether the baseline's largest checkpoint beats its smallest by more than the checkpoint tolerance.</summary>
    private static bool LargestBeatsSmallest(Baseline baseline, string smallest, string largest)
    {
        var metric = baseline.PrimaryMetric;
        var (small, large) = (baseline.Checkpoints.Single(c => c.Name == smallest).Metrics[metric], baseline.Checkpoints.Single(c => c.Name == largest).Metrics[metric]);
        var betterBy = (MetricCatalog.Get(metric).HigherIsBetter ? 1 : -1) * (large.Mean - small.Mean);
        return betterBy > GateTolerances.Default.CheckpointTolerance(large);
    }

    private static void Succeeded(CliResult result) =>
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}\n{Tail(result.Output)}\n{Tail(result.Error)}");

    /// <summary>The failed and passed counts of <c>dotnet test</c>'s closing line.</summary>
    private static (int Failed, int Passed) Counts(CliResult result)
    {
        var summary = TestSummary().Match(result.Output);
        Assert.True(summary.Success, $"no test summary (exit code {result.ExitCode})\n{Tail(result.Output)}\n{Tail(result.Error)}");
        return (int.Parse(summary.Groups["failed"].Value, CultureInfo.InvariantCulture), int.Parse(summary.Groups["passed"].Value, CultureInfo.InvariantCulture));
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    [GeneratedRegex(@"(?:Passed|Failed)!\s+-\s+Failed:\s+(?<failed>\d+),\s+Passed:\s+(?<passed>\d+)")]
    private static partial Regex TestSummary();

    [GeneratedRegex(@"dotnet inverse-scaling accept --baselines \S+ --family acme --task (?<task>[a-z-]+)")]
    private static partial Regex AcceptCommand();
}
