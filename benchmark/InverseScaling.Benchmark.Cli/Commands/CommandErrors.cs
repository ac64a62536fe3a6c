using System.CommandLine;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// The exit codes, and every failure as one line on the error writer: <c>error: &lt;file&gt;:&lt;line&gt; (&lt;field&gt;): what. Fix: …</c>.
/// A bug in the suite is one line too; its stack trace follows only with <c>--verbose</c>.
/// </summary>
internal static class CommandErrors
{
    /// <summary>The command did its work; with <c>--gate</c>, every task passed.</summary>
    public const int Passed = 0;

    /// <summary><c>--gate</c>: a task regressed against its baseline, or has none.</summary>
    public const int GateFailed = 1;

    /// <summary>Bad input or usage: a file, manifest, baseline or option value the suite cannot use.</summary>
    public const int InputError = 2;

    /// <summary>A bug in the suite.</summary>
    public const int InternalError = 3;

    /// <summary>Ctrl+C or SIGTERM.</summary>
    public const int Interrupted = 130;

    public const string InterruptedMessage = "interrupted; the results written so far are kept, and running the same command again resumes from them";

    /// <summary>Runs a command's work and turns what it throws into error lines and an exit code.</summary>
    public static int Run(ParseResult parse, Func<int> action)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception e)
        {
            return Report(parse, e);
        }
    }

    /// <summary>Writes <paramref name="e"/> as error lines and returns its exit code.</summary>
    public static int Report(ParseResult parse, Exception e)
    {
        ArgumentNullException.ThrowIfNull(parse);
        switch (Unwrap(e))
        {
            case InvalidOptionsException invalid:
                foreach (var message in invalid.Messages) WriteError(parse, message);
                return InputError;
            case BenchmarkInputException input:
                WriteError(parse, input.Message);
                return InputError;
            case OperationCanceledException:
                WriteError(parse, InterruptedMessage);
                return Interrupted;
            case IOException or UnauthorizedAccessException:
                WriteError(parse, TextExcerpt.Escape(e.Message, 400));
                return InputError;
            case var bug:
                WriteError(parse, $"internal error: {bug.GetType().Name}: {TextExcerpt.Escape(bug.Message, 300)}. " +
                    (VerboseOption.IsOn(parse)
                        ? "This is a bug in the suite; please report it with the stack trace below"
                        : "This is a bug in the suite; run the command again with --verbose for the stack trace, and please report it"));
                if (VerboseOption.IsOn(parse)) parse.InvocationConfiguration.Error.WriteLine(bug.ToString());
                return InternalError;
        }
    }

    public static void WriteError(ParseResult parse, string message)
    {
        ArgumentNullException.ThrowIfNull(parse);
        parse.InvocationConfiguration.Error.WriteLine($"error: {TextExcerpt.OneLine(message)}");
    }

    /// <summary>The one failure inside an <see cref="AggregateException"/> from parallel work, where there is one.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException aggregate)
        {
            var inner = aggregate.Flatten().InnerExceptions;
            var input = inner.FirstOrDefault(x => x is BenchmarkInputException or OperationCanceledException);
            if (input is not null) return input;
            if (inner.Count != 1) return e;
            e = inner[0];
        }
        return e;
    }
}
