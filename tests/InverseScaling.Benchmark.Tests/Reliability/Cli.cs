using System.CommandLine;
using System.Diagnostics;
using InverseScaling.Benchmark.Cli;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>What a command-line run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>stderr's lines, without the final empty one.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs <c>inverse-scaling</c>: in-process with captured writers, or as a child process (the build copies it beside the tests).</summary>
internal static class Cli
{
    /// <summary>The command line's own assembly, run with <c>dotnet</c>.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "inverse-scaling.dll");

    public static async Task<CliResult> RunInProcessAsync(string[] args, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // No process-termination handling here: the test host's signals are not the command's.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        var exitCode = await InverseScalingCli.InvokeAsync(args, configuration, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Starts the command line as a child process with redirected output; the caller waits for it or kills it.</summary>
    public static Process Start(IEnumerable<string> args, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary>Runs the command line as a child process to the end.</summary>
    public static async Task<CliResult> RunProcessAsync(IEnumerable<string> args, string workingDirectory, CancellationToken cancellationToken = default)
    {
        using var process = Start(args, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new CliResult(process.ExitCode, await output, await error);
    }
}
