using System.CommandLine;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Reports;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>report</c>: one HTML page and its Markdown twin from one or more run folders: summary table, scaling curves, flipped examples.</summary>
internal static class ReportCommand
{
    public const string DefaultFolderName = "report";

    public static Command Create()
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = "Output folders of runs (summary.json + examples/); each family gets its own line on every plot.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out", "-o") { Description = "Folder for report.html, report.md and plots/. Default: report/ inside the first run folder." };
        var baselines = new Option<string?>("--baselines") { Description = "Baselines folder the verdicts are computed against. Default: baselines/ of the checkout." };
        var slopeTolerance = new Option<double?>("--slope-tolerance") { Description = $"As for run: the smallest slope change the gate flags. Default {GateTolerances.DefaultMinimumSlope}." };
        var checkpointTolerance = new Option<double?>("--checkpoint-tolerance") { Description = $"As for run: a checkpoint's tolerance in baseline standard errors. Default {GateTolerances.DefaultCheckpointStandardErrors}." };

        var command = new Command("report", "Write report.html (self-contained) and report.md with plots from run output folders.")
        {
            runs, output, baselines, slopeTolerance, checkpointTolerance,
        };
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var layout = SuiteLayout.Find();
            var folders = parse.GetValue(runs)!;
            var files = Make(folders, parse.GetValue(output) ?? Path.Combine(folders[0], DefaultFolderName),
                new BaselineStore(parse.GetValue(baselines) ?? layout.Baselines),
                GateTolerances.FromEnvironment().With(parse.GetValue(slopeTolerance), parse.GetValue(checkpointTolerance)), layout, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine($"Report: {files.Html}");
            parse.InvocationConfiguration.Output.WriteLine($"        {files.Markdown}");
            return 0;
        })));
        return command;
    }

    /// <summary>Reads the run folders and writes the report into <paramref name="directory"/>.</summary>
    public static ReportFiles Make(IReadOnlyList<string> folders, string directory, BaselineStore baselines, GateTolerances tolerances,
        SuiteLayout layout, CancellationToken cancellationToken)
    {
        var report = ScalingReport.Build(folders.Select(RunOutput.Load).ToList(), baselines, layout.Tasks, tolerances, cancellationToken);
        return ReportWriter.Write(report, Path.GetFullPath(directory));
    }
}
