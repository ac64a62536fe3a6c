using System.Diagnostics;
using InverseScaling.Benchmark.Tests.Reliability;

namespace InverseScaling.Benchmark.Tests.Adoption;

/// <summary>
/// Runs the <c>dotnet</c> CLI as a user at a terminal would: none of this test run's own MSBuild, test-host or
/// <c>INVERSE_SCALING_*</c> variables, no MSBuild nodes or compiler server left running, and optionally its own NuGet
/// packages folder. Each command is killed with its children if it outlives <see cref="Timeout"/>.
/// </summary>
internal sealed class DotnetCommand(string? packagesFolder = null)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    private static readonly string[] DroppedPrefixes = ["INVERSE_SCALING_", "MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH", "NUGET_PACKAGES"];

    public async Task<CliResult> RunAsync(string workingDirectory, CancellationToken cancellationToken, params IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (DroppedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))) start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        if (packagesFolder is not null) start.Environment["NUGET_PACKAGES"] = packagesFolder;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"dotnet {string.Join(' ', args)} ran past {Timeout.TotalMinutes} minutes in {workingDirectory}");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }
}
