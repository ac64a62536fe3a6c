using System.CommandLine;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Cli.Reports;
using InverseScaling.Benchmark.Runs;

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
        var output = new OutOption("Folder for report.html, report.md and plots/. Default: report/ inside the first run folder.");
        var gate = new GateOptions("report");
        var root = new RootOption();

        var command = new Command("report", "Write report.html (self-contained) and report.md with plots from run output folders.") { runs, output.Option };
        foreach (var option in gate.All.Append(root.Option)) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var errors = new OptionErrors();
            var layout = root.Bind(parse, errors);
            var folders = parse.GetValue(runs)!;
            foreach (var folder in folders) errors.NotEmpty(runs.Name, folder, "give the --out folder of each run");
            var directory = output.Bind(parse, errors);
            var settings = gate.Bind(parse, layout, errors);
            errors.ThrowIfAny();

            var files = Make(folders, directory ?? Path.Combine(folders[0], DefaultFolderName), settings, layout, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine($"Report: {files.Html}");
            parse.InvocationConfiguration.Output.WriteLine($"        {files.Markdown}");
            return CommandErrors.Passed;
        }), cancellationToken));
        return command;
    }

    /// <summary>Reads the run folders and writes the report into <paramref name="directory"/>.</summary>
    public static ReportFiles Make(IReadOnlyList<string> folders, string directory, GateSettings gate, Workspace layout, CancellationToken cancellationToken)
    {
        var report = ScalingReport.Build(folders.Select(FinishedRun.Load).ToList(), gate.Baselines, layout.Tasks, gate.Rule, cancellationToken);
        return ReportWriter.Write(report, Path.GetFullPath(directory));
    }
}
