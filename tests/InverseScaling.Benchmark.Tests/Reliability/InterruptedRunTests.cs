using System.Diagnostics;
using System.Globalization;
using InverseScaling.Benchmark.Randomness;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// <c>inverse-scaling run</c> killed at random points (SIGKILL, and SIGINT as Ctrl+C sends it), again and again, then
/// run to the end in the same folders, writes exactly the files of a run that was never interrupted: the same names,
/// byte for byte. Each run is a child process on three copies of the smallest reference checkpoint.
/// </summary>
public sealed class InterruptedRunTests(ITestOutputHelper output)
{
    private const string InterruptedMessage = "error: interrupted; the results written so far are kept, and running the same command again resumes from them";

    private enum Signal { Kill, Interrupt }

    [Fact]
    [Trait("Category", "Long")]
    public async Task A_run_killed_repeatedly_then_finished_writes_the_files_of_an_uninterrupted_run_byte_for_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var root = TestPaths.NewTempDirectory();
        var manifest = SmallestReferenceCheckpoint.WriteCopies(Path.Combine(root, "family"), "interrupted",
            ("small", 10_000), ("medium", 100_000), ("large", 1_000_000));
        var tasks = TaskCatalog.Discover(TestPaths.Tasks).Where(t => t.ControlPath is not null).Take(2).Select(t => t.Directory).ToArray();
        string[] Arguments(string run) =>
        [
            "run", "--family", manifest, "--tasks", .. tasks, "--limit", "12", "--threads", "1",
            "--out", Path.Combine(root, run, "out"), "--baselines", Path.Combine(root, run, "baselines"),
        ];

        // Signals land at random points of the scoring, timed from the run's first "Scoring" line: process start-up
        // varies with the machine's load far more than the scoring does.
        var scoringTime = await TimeScoring(Arguments("reference"), root, cancellation);
        output.WriteLine($"uninterrupted run: {scoringTime.TotalSeconds:F1} s from its first Scoring line to its end");

        var random = new SplitMix64(6007);
        var kills = 0;
        // A signal drawn late may miss a run that went faster than the reference: up to 12 fresh runs to land 6.
        for (var attempt = 0; kills < 6 && attempt < 12; attempt++)
        {
            var run = $"interrupted-{attempt}";
            for (var i = 0; i < 3; i++)
            {
                var signal = kills % 2 == 0 ? Signal.Kill : Signal.Interrupt;
                var after = TimeSpan.FromSeconds((random.NextUInt64() >> 11) / (double)(1UL << 53) * scoringTime.TotalSeconds);
                if (!await RunUntilSignalled(Arguments(run), root, signal, after, cancellation)) break;
                kills++;
                output.WriteLine($"{run}: {signal} {after.TotalSeconds:F2} s into the scoring");
            }

            var finished = await Cli.RunProcessAsync(Arguments(run), root, cancellation);
            Assert.True(finished.ExitCode == 0, finished.Error);
            AssertSameFiles(Path.Combine(root, "reference"), Path.Combine(root, run));
        }
        output.WriteLine($"{kills} kills survived");
        Assert.True(kills >= 5, $"only {kills} signals landed before the run finished");
        Directory.Delete(root, recursive: true);
    }

    /// <summary>Runs to the end; returns the time from its first "Scoring" line to its exit.</summary>
    private static async Task<TimeSpan> TimeScoring(string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        using var process = Cli.Start(arguments, workingDirectory);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        Stopwatch? clock = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (clock is null && line.StartsWith("Scoring ", StringComparison.Ordinal)) clock = Stopwatch.StartNew();
        }
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.NotNull(clock);
        return clock.Elapsed;
    }

    /// <summary>
    /// Starts a run and signals it <paramref name="after"/> its first "Scoring" line (the signal handler is in place by
    /// then). False when the run finished first. A SIGINT must end the run with 130, the message, and no temporary file.
    /// </summary>
    private static async Task<bool> RunUntilSignalled(string[] arguments, string workingDirectory, Signal signal, TimeSpan after, CancellationToken cancellationToken)
    {
        using var process = Cli.Start(arguments, workingDirectory);
        var scoring = new TaskCompletionSource();
        var stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("Scoring ", StringComparison.Ordinal)) scoring.TrySetResult();
            }
            scoring.TrySetResult();
        }, cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);

        await scoring.Task.WaitAsync(cancellationToken);
        await Task.WhenAny(process.WaitForExitAsync(cancellationToken), Task.Delay(after, cancellationToken));
        if (process.HasExited)
        {
            await stdout;
            return false;
        }

        if (signal == Signal.Kill) process.Kill();
        else SendInterrupt(process.Id);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        await stdout;
        var error = await stderr;
        if (signal == Signal.Interrupt)
        {
            // A SIGINT after the last unit lets the run finish its final writes and exit 0.
            if (process.ExitCode == 0) return false;
            Assert.Equal(130, process.ExitCode);
            Assert.Equal(InterruptedMessage, error.TrimEnd('\n'));
            var output = arguments[Array.IndexOf(arguments, "--out") + 1];
            Assert.Empty(Directory.Exists(output) ? Directory.EnumerateFiles(output, ".*.tmp", SearchOption.AllDirectories) : []);
        }
        return true;
    }

    private static void SendInterrupt(int pid)
    {
        using var kill = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The same files under both runs' out/ and baselines/ folders, byte for byte.</summary>
    private static void AssertSameFiles(string expectedRun, string actualRun)
    {
        static List<string> Files(string run) => Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(run, f)).Order(StringComparer.Ordinal).ToList();
        var expected = Files(expectedRun);
        Assert.Equal(expected, Files(actualRun));
        Assert.Contains(Path.Combine("out", "summary.json"), expected);
        foreach (var file in expected)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expectedRun, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actualRun, file))),
                $"{file} differs from the uninterrupted run's");
        }
    }
}
