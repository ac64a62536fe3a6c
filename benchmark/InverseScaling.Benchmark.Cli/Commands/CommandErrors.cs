using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>Turns the errors a user can fix into one clear line and an exit code; no stack traces.</summary>
internal static class CommandErrors
{
    public const int GateFailed = 1;
    public const int InputError = 2;
    public const int Interrupted = 130;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (BenchmarkInputException e)
        {
            WriteError(e.Message);
            return InputError;
        }
        catch (OperationCanceledException)
        {
            WriteError("interrupted; the results written so far are kept");
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(e.Message);
            return InputError;
        }
    }

    public static void WriteError(string message) => System.Console.Error.WriteLine($"error: {message}");
}
