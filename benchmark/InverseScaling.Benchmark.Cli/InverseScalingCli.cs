using System.CommandLine;
using InverseScaling.Benchmark.Cli.Commands;

namespace InverseScaling.Benchmark.Cli;

/// <summary>The <c>inverse-scaling</c> command line; tests invoke it in-process with their own writers and token.</summary>
internal static class InverseScalingCli
{
    public static RootCommand Create() =>
        new("InverseScaling.Benchmark: score checkpoint families on the Inverse Scaling Prize tasks and gate their scaling against baselines.")
        {
            RunCommand.Create(),
            BenchCommand.Create(),
            AcceptCommand.Create(),
            ReportCommand.Create(),
            MergeCommand.Create(),
            TokenizeCommand.Create(),
        };

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default) =>
        Create().Parse(args).InvokeAsync(configuration, cancellationToken);
}
