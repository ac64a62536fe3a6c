using InverseScaling.Benchmark.Cli.Console;
using InverseScaling.Benchmark.Runs;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// What <c>run</c> and <c>merge</c> show of a gated result (<see cref="GateRun.Complete"/>): the table, the encoding line,
/// where the results are, the report when asked, what failed; and the exit code.
/// </summary>
internal static class RunFinish
{
    public static int Complete(GateRunResult result, GateRun gate, bool gating, bool report, SuiteLayout layout, CliConsole console, CancellationToken cancellationToken)
    {
        var folder = gate.Output ?? throw new InvalidOperationException("a finished run has an output folder");
        ResultTable.Write(console.Ansi, result.Run, result.Verdicts);
        ResultTable.WriteEncoding(console.Output, result.Run);
        using (var self = System.Diagnostics.Process.GetCurrentProcess())
        {
            console.Output.WriteLine($"Results: {folder.Directory} (peak memory {self.PeakWorkingSet64 >> 20} MiB)");
        }
        if (report)
        {
            var files = ReportCommand.Make([folder.Directory], Path.Combine(folder.Directory, ReportCommand.DefaultFolderName), gate.Settings, layout, cancellationToken);
            console.Output.WriteLine($"Report:  {files.Html}");
        }
        if (result.Tasks.Where(t => t.Verdict.Passed && t.Verdict.UnpairedBecause is not null).Select(t => t.Task).ToList() is { Count: > 0 } unpaired)
        {
            // A passing task whose baseline has no usable per-example file: its per-example results are received beside it.
            console.Output.WriteLine($"Compared by per-checkpoint means, for want of a per-example baseline: {string.Join(", ", unpaired)}. " +
                "Their per-example results are received; accept them to compare example by example from now on:");
            console.Output.WriteLine($"  dotnet run --project benchmark/InverseScaling.Benchmark.Cli -- accept --family {result.Run.Family} --task {string.Join(" ", unpaired)}");
        }
        foreach (var verdict in result.Failures)
        {
            console.Output.WriteLine();
            console.Output.WriteLine(verdict.Message);
        }
        return gating && !result.Passed ? CommandErrors.GateFailed : CommandErrors.Passed;
    }
}
