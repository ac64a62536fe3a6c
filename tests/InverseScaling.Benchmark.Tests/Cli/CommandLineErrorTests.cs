using System.CommandLine;
using System.Text;
using InverseScaling.Benchmark.Cli.Commands;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Tests.Reliability;
using InverseScaling.Benchmark.Tests.Snapshots;
using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Cli;

/// <summary>What the command line says to bad invocations: every problem at once, one line each, and the exit code.</summary>
public sealed class CommandLineErrorTests
{
    [Fact]
    public async Task Bad_invocations_get_one_line_per_problem_and_exit_code_2()
    {
        var root = TestPaths.NewTempDirectory();
        string[][] invocations =
        [
            ["run", "--threads", "0", "--limit", "-1", "--shots", "x", "--slope-tolerance", "NaN", "--checkpoint-tolerance", "-1",
                "--out", "", "--size-measure", "tokens", "--family", Path.Combine(root, "missing.json"), "--cache", "", "--tasks", "no-such-task"],
            ["run", "--tasks", "neqa", "--shard", "1/2", "--gate", "--report"],
            ["run", "--tasks", "neqa", "--shard", "3/2"],
            ["run", "--frobnicate"],
            ["frobnicate"],
            [],
            ["accept"],
            ["accept", "--family", "../../etc", "--task", "neqa/../x"],
            ["merge", Path.Combine(root, "not-a-shard")],
            ["report", Path.Combine(root, "no-run")],
        ];

        var transcript = new StringBuilder();
        foreach (var args in invocations)
        {
            var result = await CliRunner.RunInProcessAsync(args, TestContext.Current.CancellationToken);
            Assert.Equal(CommandErrors.InputError, result.ExitCode);
            Assert.Equal("", result.Output);
            Assert.All(result.ErrorLines, line => Assert.StartsWith("error: ", line));
            transcript.Append("$ inverse-scaling ").AppendJoin(' ', args.Select(a => a.Length == 0 ? "\"\"" : a)).Append('\n')
                .Append(result.Error).Append('\n');
        }

        Snapshot.Verify(Snapshot.Scrub(transcript.ToString(), (root, "<temp>"), (TestPaths.RepositoryRoot.TrimEnd('/'), "<checkout>")), "bad-invocations");
    }

    [Fact]
    public void A_bug_is_one_line_and_exit_code_3_with_the_stack_trace_only_behind_verbose()
    {
        var quiet = Invoke([], () => throw new InvalidOperationException("the plan has no units"));
        var verbose = Invoke(["--verbose"], () => throw new InvalidOperationException("the plan has no units"));

        Assert.Equal(CommandErrors.InternalError, quiet.ExitCode);
        Assert.Equal(
            "error: internal error: InvalidOperationException: the plan has no units. This is a bug in the suite; run the command again with --verbose for the stack trace, and please report it",
            Assert.Single(quiet.ErrorLines));
        Assert.DoesNotContain("   at ", quiet.Error);
        Assert.Equal(CommandErrors.InternalError, verbose.ExitCode);
        Assert.StartsWith("error: internal error: InvalidOperationException: the plan has no units. This is a bug in the suite; please report it with the stack trace below\n", verbose.Error);
        Assert.Contains("   at ", verbose.Error);
    }

    [Fact]
    public void Input_errors_and_cancellation_from_parallel_work_keep_their_exit_codes()
    {
        var input = new BenchmarkInputException("model.onnx", "the logits hold NaN", "export the model again");

        var fromWorkers = Invoke([], () => throw new AggregateException(new AggregateException(input), input));
        var cancelled = Invoke([], () => throw new AggregateException(new OperationCanceledException()));

        Assert.Equal((CommandErrors.InputError, "error: " + input.Message), (fromWorkers.ExitCode, Assert.Single(fromWorkers.ErrorLines)));
        Assert.Equal((CommandErrors.Interrupted, "error: " + CommandErrors.InterruptedMessage), (cancelled.ExitCode, Assert.Single(cancelled.ErrorLines)));
    }

    [Fact]
    public async Task The_result_table_and_the_results_line_go_to_the_invocations_writer()
    {
        var workspace = BadInputWorkspace.Create();

        var result = await CliRunner.RunInProcessAsync(workspace.RunArguments(workspace.GoodTask), TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        var row = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("│ good ", StringComparison.Ordinal));
        Assert.EndsWith("│ no baseline │", row.TrimEnd());
        Assert.Contains($"Results: {workspace.Out} (peak memory ", result.Output);
        Assert.StartsWith($"no baseline yet for {BadInputWorkspace.FamilyName}/good.", result.Output.Split("\n\n")[^1]);
    }

    /// <summary>A command with the suite's error handling whose work is <paramref name="work"/>, run with captured writers.</summary>
    private static CliResult Invoke(string[] args, Func<int> work)
    {
        var command = new RootCommand { VerboseOption.Create() };
        command.SetAction(parse => CommandErrors.Run(parse, work));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = command.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
