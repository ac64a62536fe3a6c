using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Console;
using InverseScaling.Benchmark.Cli.Reports;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Reports;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// What <c>run</c> and <c>merge</c> do with a finished result: write <c>summary.json</c> and the gate results, check every task
/// against its baseline, print the table and what failed, write the report when asked, and choose the exit code.
/// </summary>
internal static class RunFinish
{
    public static int Complete(FamilyRunResult run, Family family, EvaluationOptions options, string outDirectory, BaselineStore store,
        GateTolerances tolerances, bool report, bool gate, SuiteLayout layout, TextWriter console, CancellationToken cancellationToken)
    {
        ResultFiles.WriteSummary(outDirectory, run);
        var verdicts = run.Tasks.ToDictionary(t => t.Name, t =>
        {
            var result = RunBaselines.ToBaseline(t, family, options);
            GateResultFiles.Write(outDirectory, result);
            return BaselineGate.Check(store, result, tolerances);
        });
        ResultTable.Write(run, verdicts);
        ResultTable.WriteEncoding(run);
        using (var self = System.Diagnostics.Process.GetCurrentProcess())
        {
            console.WriteLine($"Results: {Path.GetFullPath(outDirectory)} (peak memory {self.PeakWorkingSet64 >> 20} MiB)");
        }
        if (report)
        {
            var files = ReportCommand.Make([outDirectory], Path.Combine(outDirectory, ReportCommand.DefaultFolderName), store, tolerances, layout, cancellationToken);
            console.WriteLine($"Report:  {files.Html}");
        }
        foreach (var verdict in verdicts.Values.Where(v => !v.Passed))
        {
            console.WriteLine();
            console.WriteLine(verdict.Message);
        }
        return gate && verdicts.Values.Any(v => !v.Passed) ? CommandErrors.GateFailed : 0;
    }
}
