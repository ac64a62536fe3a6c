using System.Globalization;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Scaling;
using Spectre.Console;

namespace InverseScaling.Benchmark.Cli.Console;

/// <summary>The run's summary table: per task, the primary metric on each checkpoint, the slope with its interval, the trend and the gate's verdict.</summary>
internal static class ResultTable
{
    public static void Write(IAnsiConsole console, FamilyRunResult run, IReadOnlyDictionary<string, GateVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(run);
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(run.Family)}[/] · slope per decade of {Markup.Escape(run.Settings.SizeMeasure)}");
        table.AddColumn("Task");
        table.AddColumn("Metric");
        foreach (var checkpoint in run.Checkpoints) table.AddColumn(new TableColumn(Markup.Escape(checkpoint.Name)).RightAligned());
        table.AddColumn(new TableColumn("Slope [[95% CI]]").RightAligned());
        table.AddColumn("Trend");
        table.AddColumn(new TableColumn("Control slope").RightAligned());
        table.AddColumn("Gate");

        foreach (var task in run.Tasks)
        {
            var metric = task.Definition.PrimaryMetric;
            var row = new List<string> { Markup.Escape(task.Name), metric };
            row.AddRange(task.Task.Checkpoints.Select(c => Number(c.Metrics.Metrics[metric].Mean)));
            var fit = task.PrimaryFit;
            row.Add($"{Signed(fit.Slope)} [[{Signed(fit.SlopeLow)}, {Signed(fit.SlopeHigh)}]]");
            row.Add(TrendMarkup(fit.Trend));
            row.Add(task.Control?.Fits.TryGetValue(metric, out var control) == true ? Signed(control.Slope) : "–");
            row.Add(verdicts.TryGetValue(task.Name, out var verdict) ? VerdictMarkup(verdict.Outcome) : "–");
            table.AddRow(row.ToArray());
        }
        console.Write(table);
    }

    /// <summary>What the tokenizer did to the run's requests, summed over tasks and checkpoints.</summary>
    public static void WriteEncoding(TextWriter output, FamilyRunResult run)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(run);
        var total = run.Tasks
            .SelectMany(t => t.Task.Checkpoints.Concat(t.Control?.Checkpoints ?? []))
            .Aggregate(EncodingStats.Empty, (sum, c) => sum.Add(c.Encoding));
        output.WriteLine(
            $"Encoding: {total.Requests} requests; {total.BoundaryDiffers} with no clean token boundary after the context (continuation encoded on its own); " +
            $"{total.Truncated} cut from the left to fit the context; {total.ClassesWithoutLeadingSpace} continuations without a leading space.");
    }

    private static string Number(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string TrendMarkup(Trend trend) => trend switch
    {
        Trend.Inverse => "[red]inverse[/]",
        Trend.Positive => "[green]positive[/]",
        Trend.UShaped => "[yellow]u-shaped[/]",
        Trend.InvertedU => "[yellow]inverted-u[/]",
        _ => "flat",
    };

    private static string VerdictMarkup(GateOutcome outcome) => outcome switch
    {
        GateOutcome.Pass => "[green]pass[/]",
        GateOutcome.Improved => "[green]improved[/]",
        GateOutcome.Regressed => "[red]regressed[/]",
        GateOutcome.ProvenanceChanged => "[red]provenance changed[/]",
        GateOutcome.NotCompared => "[yellow]not compared (limited)[/]",
        _ => "[yellow]no baseline[/]",
    };
}
