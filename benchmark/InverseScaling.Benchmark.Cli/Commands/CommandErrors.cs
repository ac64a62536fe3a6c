using System.CommandLine;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>Turns the errors a user can fix into one clear line on the error writer and an exit code; no stack traces.</summary>
internal static class CommandErrors
{
    public const int GateFailed = 1;
    public const int InputError = 2;
    public const int Interrupted = 130;

    public const string InterruptedMessage = "interrupted; the results written so far are kept, and running the same command again resumes from them";

    public static int Run(ParseResult parse, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (BenchmarkInputException e)
        {
            WriteError(parse, e.Message);
            return InputError;
        }
        catch (OperationCanceledException)
        {
            WriteError(parse, InterruptedMessage);
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(parse, e.Message);
            return InputError;
        }
    }

    public static void WriteError(ParseResult parse, string message) => parse.InvocationConfiguration.Error.WriteLine($"error: {message}");
}
