using System.CommandLine;
using System.CommandLine.Invocation;
using InverseScaling.Benchmark.Cli.Commands;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Cli;

/// <summary>
/// The <c>inverse-scaling</c> command line; tests invoke it in-process with their own writers and token. Exit codes:
/// 0 pass, 1 gate regressed (<c>--gate</c>), 2 bad input or usage, 3 internal error, 130 interrupted (see <see cref="CommandErrors"/>).
/// </summary>
internal static class InverseScalingCli
{
    public const string Name = "inverse-scaling";

    /// <summary>The verbs, in the order help lists them; a new verb is one more entry.</summary>
    public static IReadOnlyList<Func<Command>> Verbs { get; } =
    [
        RunCommand.Create,
        BenchCommand.Create,
        AcceptCommand.Create,
        ReportCommand.Create,
        MergeCommand.Create,
        TokenizeCommand.Create,
        FamilyCommand.Create,
    ];

    public static RootCommand Create()
    {
        var root = new RootCommand("InverseScaling.Benchmark: score checkpoint families on the Inverse Scaling Prize tasks and gate their scaling against baselines.");
        root.Options.Add(VerboseOption.Create());
        foreach (var verb in Verbs) root.Subcommands.Add(verb());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code. A usage error is one line per problem and exit code 2.</summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parse = Create().Parse(args);
        if (parse.Action is not ParseErrorAction || parse.Errors.Count == 0) return parse.InvokeAsync(configuration, cancellationToken);

        var command = string.Join(' ', Path(parse.CommandResult));
        var fix = parse.CommandResult.Parent is null
            ? $"name a verb ({string.Join(", ", parse.CommandResult.Command.Subcommands.Select(c => c.Name))}); see {command} --help"
            : $"see {command} --help";
        foreach (var error in parse.Errors)
        {
            configuration.Error.WriteLine($"error: {TextExcerpt.Escape(error.Message.TrimEnd('.'), 300)}. Fix: {fix}");
        }
        return Task.FromResult(CommandErrors.InputError);
    }

    private static IEnumerable<string> Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var at = result; at is not null; at = at.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(at.Parent is null ? Name : at.Command.Name);
        return names;
    }
}
