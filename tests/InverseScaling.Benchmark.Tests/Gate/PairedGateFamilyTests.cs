using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Tests.Reliability;

namespace InverseScaling.Benchmark.Tests.Gate;

/// <summary>
/// The paired gate on the bundled family through <c>run --gate</c>: a release whose largest checkpoint is secretly the second
/// largest fails where the smaller model is worse, and the unchanged family passes whatever the thread count. Each case
/// scores the whole family without the results cache, so these are long.
/// </summary>
public sealed partial class PairedGateFamilyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Where ref-336k is worse than ref-793k beyond its paired interval. On memo-trap, modus-tollens and resisting-correction
    /// (inverse scaling in loss) the smaller model is better, and the gate says so; on neqa (+0.0011, z = 0.4) and
    /// pattern-match-suppression (+0.0070, z = 0.6) the difference is within what the examples' spread allows.
    /// </summary>
    private static readonly string[] Worse = ["hindsight-neglect", "into-the-unknown", "prompt-injection", "redefine", "repetitive-algebra", "sig-figs"];
    private static readonly string[] Better = ["memo-trap", "modus-tollens", "resisting-correction"];

    [Fact]
    [Trait("Category", "Long")]
    public async Task The_largest_checkpoint_replaced_by_the_second_largest_fails_the_tasks_where_it_is_worse()
    {
        var root = TestPaths.NewTempDirectory();
        var family = SubstitutedFamily(Path.Combine(root, "family"));
        var baselines = CopyOfBaselines(root);

        var result = await Run(["--family", family, "--out", Path.Combine(root, "out"), "--baselines", baselines]);

        Assert.True(result.ExitCode == 1, result.Error);
        var regressed = Regressed().Matches(result.Output).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Worse, regressed);
        // Every task fails as measured on another model (its own verdict), and the comparison beneath says where it is worse.
        Assert.Equal(11, Regex.Count(result.Output, @"(?m)^reference/[a-z-]+: provenance changed since the baseline: the ONNX file of ref-793k\. "));
        var store = new BaselineStore(baselines);
        var received = store.ListReceived("reference").Select(k => k.Task).ToArray();
        Assert.Equal(11, received.Length);
        foreach (var task in Better)
            Assert.Matches($@"(?m)^reference/{task}: loss improved on the baseline, example by example", result.Output);
        foreach (var task in Worse)
        {
            var message = result.Output[result.Output.IndexOf($"reference/{task}: ", StringComparison.Ordinal)..];
            Assert.Matches(@"\n  ref-793k +\d+\.\d{4} +\d+\.\d{4} +\+\d+\.\d{4} +\[\+\d+\.\d{4}, \+\d+\.\d{4}\] +worse\n", message);
            Assert.Contains("The 5 examples that got worst:\n  #", message);
            Assert.Contains("Changed since the baseline: ONNX file of ref-793k.", message);
        }
        output.WriteLine(result.Output);
        Directory.Delete(root, recursive: true);
    }

    [Theory]
    [Trait("Category", "Long")]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData(null)]
    public async Task The_unchanged_family_passes_example_by_example_at_any_thread_count(string? threads)
    {
        var root = TestPaths.NewTempDirectory();
        var baselines = CopyOfBaselines(root);

        var result = await Run(["--out", Path.Combine(root, "out"), "--baselines", baselines, .. threads is null ? Array.Empty<string>() : ["--threads", threads]]);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.DoesNotContain("Compared by per-checkpoint means", result.Output);
        Assert.Empty(new BaselineStore(baselines).ListReceived());
        Directory.Delete(root, recursive: true);
    }

    private static async Task<CliResult> Run(string[] arguments) =>
        await Reliability.Cli.RunInProcessAsync(["run", "--gate", "--quiet", "--no-controls", "--no-cache", .. arguments], TestContext.Current.CancellationToken);

    /// <summary>The bundled baselines with their per-example files, copied so that received files stay out of the checkout.</summary>
    private static string CopyOfBaselines(string root)
    {
        var target = Directory.CreateDirectory(Path.Combine(root, "baselines", "reference")).FullName;
        var source = Path.Combine(TestPaths.Baselines, "reference");
        foreach (var file in Directory.GetFiles(source).Where(f => f.EndsWith(BaselineStore.VerifiedSuffix, StringComparison.Ordinal)
            || f.EndsWith(PerExampleBaselineFile.VerifiedSuffix, StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return Path.GetDirectoryName(target)!;
    }

    /// <summary>
    /// A copy of the reference family whose ref-793k lists ref-336k's plain and with-past exports (the with-past file reads its
    /// weights from the plain one beside it), with their sha256 in the manifest.
    /// </summary>
    private static string SubstitutedFamily(string folder)
    {
        var source = TestPaths.ReferenceFamilyDirectory;
        foreach (var sub in new[] { "checkpoints", "tokenizer" })
        {
            var target = Directory.CreateDirectory(Path.Combine(folder, sub)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(source, sub))) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        var manifest = JsonNode.Parse(File.ReadAllText(TestPaths.ReferenceFamilyManifest))!;
        var byName = manifest["checkpoints"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!);
        foreach (var key in new[] { "onnx", "onnxWithPast" })
            byName["ref-793k"]["files"]![key] = byName["ref-336k"]["files"]![key]!.DeepClone();
        var path = Path.Combine(folder, "family.json");
        File.WriteAllText(path, manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    [GeneratedRegex(@"^reference/([a-z-]+): loss regressed against the baseline, example by example:", RegexOptions.Multiline)]
    private static partial Regex Regressed();
}
