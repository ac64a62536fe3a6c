using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// A 100,000-example task file on a family of ten checkpoints (the smallest reference checkpoint listed ten times) runs
/// in bounded memory: the task file is streamed, per-example scores go to disk as each unit completes and are kept in
/// memory only as compact columns for the fit. The command line reports its peak working set; the full run measured
/// 203 MiB (287 MiB before the scores were kept as columns).
/// </summary>
public sealed partial class ScaleTests(ITestOutputHelper output)
{
    private const int Examples = 100_000;
    private const int Checkpoints = 10;

    /// <summary>Above the 203 MiB measured at full size, below the 287 MiB that keeping <c>ExampleScore</c> objects took.</summary>
    private const int PeakMemoryLimitMiB = 256;

    [Fact]
    public async Task A_limited_run_over_a_100k_example_file_and_ten_checkpoints_stays_within_the_memory_bound() =>
        await RunAndCheck(limit: 100);

    [Fact]
    [Trait("Category", "Long")]
    public async Task The_full_100k_examples_on_ten_checkpoints_stay_within_the_memory_bound() =>
        await RunAndCheck(limit: null);

    private async Task RunAndCheck(int? limit)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var root = TestPaths.NewTempDirectory();
        var manifest = SmallestReferenceCheckpoint.WriteCopies(Path.Combine(root, "family"), "ten",
            Enumerable.Range(1, Checkpoints).Select(i => ($"copy-{i:00}", 10_000L * i)).ToArray());
        var task = Path.Combine(root, "many_classification.jsonl");
        WriteTask(task);
        var outDirectory = Path.Combine(root, "out");
        string[] arguments =
        [
            "run", "--family", manifest, "--tasks", task, "--out", outDirectory, "--baselines", Path.Combine(root, "baselines"), "--quiet",
            .. limit is { } l ? new[] { "--limit", l.ToString(CultureInfo.InvariantCulture) } : [],
        ];

        CliResult result;
        try
        {
            result = await Cli.RunProcessAsync(arguments, root, cancellation);
            Assert.True(result.ExitCode == 0, result.Error);
            CheckExamples(outDirectory, limit ?? Examples);
        }
        finally
        {
            // The full run leaves some 180 MB of per-example files.
            Directory.Delete(root, recursive: true);
        }
        var expected = limit ?? Examples;
        var peak = int.Parse(PeakMemory().Match(result.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"{expected:N0} examples × {Checkpoints} checkpoints: peak working set {peak} MiB");
        Assert.True(peak <= PeakMemoryLimitMiB, $"peak working set {peak} MiB > {PeakMemoryLimitMiB} MiB");
    }

    private static void CheckExamples(string outDirectory, int expected)
    {
        for (var i = 1; i <= Checkpoints; i++)
        {
            Assert.Equal(expected, File.ReadLines(Path.Combine(outDirectory, "examples", "many", $"copy-{i:00}.jsonl")).Count());
        }
    }

    /// <summary>Short prompts of varying words, two one-token classes: cheap to score, so the run is about volume.</summary>
    private static void WriteTask(string path)
    {
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "and", "then", "it", "ran", "to", "see", "who", "was", "there", "at", "night"];
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        for (var i = 0; i < Examples; i++)
        {
            var prompt = string.Join(' ', Enumerable.Range(1, 3).Select(j => words[i * j % words.Length]));
            writer.WriteLine($$"""{"prompt": "{{prompt}}", "classes": [" yes", " no"], "answer_index": {{i % 2}}}""");
        }
    }

    [GeneratedRegex(@"\(peak memory (\d+) MiB\)")]
    private static partial Regex PeakMemory();
}
