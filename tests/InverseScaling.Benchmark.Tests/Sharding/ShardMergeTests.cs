using System.Text.Json;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Sharding;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Reliability;
using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Sharding;

/// <summary>
/// run --shard k/n and merge on a family of three copies of the smallest reference checkpoint: the merged folder is
/// the single run's, byte for byte, and the gate says the same about both.
/// </summary>
public sealed class ShardMergeTests
{
    private readonly string _root = TestPaths.NewTempDirectory();
    private readonly string _family;

    public ShardMergeTests()
    {
        _family = SmallestReferenceCheckpoint.WriteCopies(Path.Combine(_root, "family"), "copies",
            ("c-1", 10_000), ("c-2", 100_000), ("c-3", 1_000_000));
    }

    private string[] Common(params string[] more) =>
        ["--family", _family, "--tasks", "neqa", "sig-figs", .. more];

    private static Task<CliResult> Run(params string[] args) => CliRunner.RunInProcessAsync(args, TestContext.Current.CancellationToken);

    private string At(string name) => Path.Combine(_root, name);

    [Fact]
    public async Task Three_shards_merged_equal_one_run_byte_for_byte_with_the_same_verdicts()
    {
        var options = new[] { "--limit", "8", "--threads", "1", "--quiet" };
        var single = await Run(["run", .. Common(options), "--out", At("single"), "--baselines", At("baselines-single"), "--gate"]);
        var shards = new List<CliResult>();
        for (var k = 1; k <= 3; k++) shards.Add(await Run(["run", .. Common(options), "--shard", $"{k}/3", "--out", At($"shard-{k}")]));

        var merged = await Run(["merge", At("shard-1"), At("shard-2"), At("shard-3"), .. Common(), "--out", At("merged"), "--baselines", At("baselines-merged"), "--gate"]);

        Assert.All(shards, s => Assert.Equal(0, s.ExitCode));
        // No baselines yet: both fail the gate the same way and write the same received results.
        Assert.Equal((1, 1), (single.ExitCode, merged.ExitCode));
        AssertSameFiles(At("single"), At("merged"));
        AssertSameFiles(At("baselines-single"), At("baselines-merged"));
        Assert.Equal(12, Directory.GetFiles(At("merged"), "*.unit.json", SearchOption.AllDirectories).Length); // 3 checkpoints × 2 tasks × (data, control)
        // Every pair is in exactly one shard, and the shards' units are exactly the merged ones.
        var pairs = Enumerable.Range(1, 3).SelectMany(k => ShardManifest.Read(At($"shard-{k}")).Pairs).ToList();
        Assert.Equal(6, pairs.Distinct().Count());
        Assert.Equal(6, pairs.Count);

        // With the single run's (limited) results accepted as baselines, the merge of runs with the same limit passes the gate.
        new BaselineStore(At("baselines-merged")).AcceptAll(allowLimited: true);
        var again = await Run(["merge", At("shard-1"), At("shard-2"), At("shard-3"), .. Common(), "--out", At("merged-again"), "--baselines", At("baselines-merged"), "--gate"]);
        Assert.Equal(0, again.ExitCode);
    }

    [Fact]
    public async Task A_shard_loads_only_its_own_checkpoints_and_the_merge_none()
    {
        var options = new[] { "--limit", "4", "--threads", "1", "--quiet", "--no-controls" };
        var single = await Run(["run", .. Common(options), "--out", At("single")]);
        for (var k = 1; k <= 2; k++) Assert.Equal(0, (await Run(["run", .. Common(options), "--shard", $"{k}/3", "--out", At($"shard-{k}")])).ExitCode);
        // Shard 3 of 3 holds the costliest checkpoint's pairs only: it and the merge run with c-1's model gone.
        var onnx = SmallestReferenceCheckpoint.Load().Checkpoint.Manifest.Files.Onnx.Path;
        File.WriteAllText(_family, ReplaceFirstOnnxPath(File.ReadAllText(_family), onnx, "checkpoints/missing.onnx"));

        var third = await Run(["run", .. Common(options), "--shard", "3/3", "--out", At("shard-3")]);
        var merged = await Run(["merge", At("shard-1"), At("shard-2"), At("shard-3"), .. Common(), "--out", At("merged"), "--baselines", At("baselines")]);

        Assert.Equal("", third.Error);
        Assert.Equal(0, third.ExitCode);
        Assert.All(ShardManifest.Read(At("shard-3")).Pairs, p => Assert.Equal("c-3", p.Checkpoint));
        Assert.Equal("", merged.Error);
        Assert.Equal(0, merged.ExitCode);
        AssertSameFiles(At("single"), At("merged"));
    }

    [Fact]
    public async Task A_missing_shard_is_named_and_nothing_is_merged()
    {
        var options = new[] { "--limit", "2", "--threads", "1", "--quiet", "--no-controls" };
        foreach (var k in new[] { 1, 3 }) await Run(["run", .. Common(options), "--shard", $"{k}/3", "--out", At($"shard-{k}")]);

        var merged = await Run(["merge", At("shard-1"), At("shard-3"), .. Common(), "--out", At("merged")]);

        Assert.Equal(2, merged.ExitCode);
        Assert.Equal(
            $"error: {At("shard-1")}: shard 2 of 3 is missing. Fix: give the folders of all 3 shards (each written by run --shard k/3 once it finished)",
            Assert.Single(merged.ErrorLines));
        Assert.False(Directory.Exists(At("merged")));
    }

    [Fact]
    public async Task An_unfinished_shard_is_refused_with_how_to_finish_it()
    {
        Directory.CreateDirectory(At("shard-1"));

        var merged = await Run(["merge", At("shard-1"), .. Common(), "--out", At("merged")]);

        Assert.Equal(2, merged.ExitCode);
        Assert.Equal(
            $"error: {Path.Combine(At("shard-1"), "shard.json")}: there is no shard.json: the shard has not finished, or the folder is not a shard's output. " +
            "Fix: finish the shard (the same run --shard k/n --out command resumes it), or give the --out folders of run --shard k/n",
            Assert.Single(merged.ErrorLines));
    }

    [Fact]
    public async Task Shards_of_different_runs_do_not_merge()
    {
        await Run(["run", .. Common("--limit", "2", "--threads", "1", "--quiet", "--no-controls"), "--shard", "1/2", "--out", At("shard-1")]);
        await Run(["run", .. Common("--limit", "3", "--threads", "1", "--quiet", "--no-controls"), "--shard", "2/2", "--out", At("shard-2")]);

        var merged = await Run(["merge", At("shard-1"), At("shard-2"), .. Common(), "--out", At("merged")]);

        Assert.Equal(2, merged.ExitCode);
        Assert.Equal(
            $"error: {Path.Combine(At("shard-2"), "shard.json")}: it ran with size measure non-embedding-parameters, limit 3, no controls, 0 shots, suite {Benchmark.Evaluation.SuiteInfo.Version}, " +
            $"{At("shard-1")} with size measure non-embedding-parameters, limit 2, no controls, 0 shots, suite {Benchmark.Evaluation.SuiteInfo.Version}. " +
            "Fix: merge the shards of one run: the same --shard n, family, --tasks and options on every shard",
            Assert.Single(merged.ErrorLines));
    }

    [Fact]
    public async Task A_shard_with_gate_or_report_is_refused()
    {
        var result = await Run(["run", .. Common("--limit", "2", "--quiet"), "--shard", "1/2", "--gate", "--out", At("shard-1")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: a shard neither gates nor reports: give --gate and --report to merge, which combines the shards", Assert.Single(result.ErrorLines));
    }

    private static string ReplaceFirstOnnxPath(string manifestJson, string onnx, string replacement)
    {
        var escaped = JsonSerializer.Serialize(onnx, SuiteJson.Compact)[1..^1];
        var at = manifestJson.IndexOf(escaped, StringComparison.Ordinal);
        return manifestJson[..at] + JsonSerializer.Serialize(replacement, SuiteJson.Compact)[1..^1] + manifestJson[(at + escaped.Length)..];
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        static List<string> Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();
        var files = Files(expected);
        Assert.NotEmpty(files);
        Assert.Equal(files, Files(actual));
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
        }
    }
}
