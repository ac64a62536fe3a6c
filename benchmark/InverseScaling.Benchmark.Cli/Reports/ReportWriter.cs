using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Cli.Reports;

/// <summary>The files a report consists of.</summary>
internal sealed record ReportFiles(string Html, string Markdown, string GridPng, string GridSvg, IReadOnlyList<string> Plots);

/// <summary>
/// Writes a report folder: <c>report.html</c> (self-contained: styles inline, every image a data URI, no external
/// request), <c>report.md</c> with <c>plots/*.png</c> beside it, and each plot also as SVG.
/// </summary>
internal static partial class ReportWriter
{
    /// <summary>Prompts longer than this show only their end (the question); the HTML keeps the whole prompt folded.</summary>
    public const int PromptTail = 500;

    public static ReportFiles Write(ScalingReport report, string directory)
    {
        var plotsDirectory = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plotsDirectory);
        var plots = new Dictionary<string, (string Png, string Svg)>();
        var written = new List<string>();
        foreach (var task in report.Tasks)
        {
            var plot = ScalingPlots.Task(report, task);
            var png = Path.Combine(plotsDirectory, FileName(task) + ".png");
            var svg = Path.Combine(plotsDirectory, FileName(task) + ".svg");
            ScalingPlots.SavePng(plot, png);
            ScalingPlots.SaveSvg(plot, svg);
            plots[task] = (png, svg);
            written.AddRange([png, svg]);
        }
        var (grid, width, height) = ScalingPlots.Grid(report);
        var gridPng = Path.Combine(plotsDirectory, "grid.png");
        var gridSvg = Path.Combine(plotsDirectory, "grid.svg");
        AtomicFile.WriteAllBytes(gridPng, ScalingPlots.GridPng(grid, width, height));
        AtomicFile.WriteAllText(gridSvg, ScalingPlots.GridSvg(grid, width, height));

        var html = Path.Combine(directory, "report.html");
        var markdown = Path.Combine(directory, "report.md");
        AtomicFile.WriteAllText(html, Html(report, gridSvg, plots.ToDictionary(p => p.Key, p => p.Value.Svg)));
        AtomicFile.WriteAllText(markdown, Markdown(report, t => $"plots/{FileName(t)}.png", "plots/grid.png"));
        return new ReportFiles(html, markdown, gridPng, gridSvg, written);
    }

    /// <summary>The verdict as one word, or "not checked" when the run left no gate result.</summary>
    public static string VerdictWord(GateVerdict? verdict) => verdict?.Outcome switch
    {
        GateOutcome.Pass => "pass",
        GateOutcome.Improved => "improved",
        GateOutcome.Regressed => "regressed",
        GateOutcome.NoBaseline => "no baseline",
        GateOutcome.ProvenanceChanged => "provenance changed",
        GateOutcome.NotCompared => "not compared (limited run)",
        _ => "not checked",
    };

    /// <summary>What a reader sees first: how many results scale inversely and how many the gate fails.</summary>
    public static string Headline(ScalingReport report)
    {
        var inverse = report.Rows.Count(r => r.Fit.Trend == Trend.Inverse);
        var checkedRows = report.Rows.Count(r => r.Verdict is not null);
        var regressed = report.Rows.Count(r => r.Verdict?.Outcome == GateOutcome.Regressed);
        var missing = report.Rows.Count(r => r.Verdict?.Outcome == GateOutcome.NoBaseline);
        var failed = report.Rows.Count(r => r.Verdict is { Passed: false });
        var other = new[] { (GateOutcome.ProvenanceChanged, "with changed provenance"), (GateOutcome.NotCompared, "not compared (limited)") }
            .Select(o => (Count: report.Rows.Count(r => r.Verdict?.Outcome == o.Item1), What: o.Item2))
            .Where(o => o.Count > 0)
            .Aggregate("", (text, o) => text + ", " + Count(o.Count, o.What));
        var gate = checkedRows == 0 ? "the run folders hold no gate results"
            : failed == 0 ? $"the gate passes on all {checkedRows}"
            : $"the gate fails on {failed} of {checkedRows} ({Count(regressed, "regressed")}, {Count(missing, "without a baseline")}{other})";
        return $"{inverse} of {report.Rows.Count} task results scale inversely; {gate}.";

        static string Count(int n, string what) => $"{n} {what}";
    }

    /// <summary>One line per failed result, regressions first: what failed and why, and the command that settles a missing baseline.</summary>
    public static IReadOnlyList<(string Why, string? Command)> Failures(ScalingReport report) => report.Rows
        .Where(r => r.Verdict is { Passed: false })
        .OrderBy(r => r.Verdict!.Outcome == GateOutcome.NoBaseline).ThenBy(r => r.Task.Task, StringComparer.Ordinal).ThenBy(r => r.RunIndex)
        .Select(r => r.Verdict!.Outcome == GateOutcome.NoBaseline
            ? ($"{r.Verdict.Family}/{r.Verdict.Task}: no verified baseline yet; once this result is right, accept it:", (string?)r.Verdict.AcceptCommand)
            : (r.Verdict.Message.Split('\n')[0], null))
        .ToList();

    internal static string Markdown(ScalingReport report, Func<string, string> plotPath, string gridPath)
    {
        var m = new StringBuilder();
        m.Append($"# Inverse-scaling report: {Families(report)}\n\n");
        m.Append($"**{Headline(report)}**\n\n");
        m.Append(RunsLine(report)).Append("\n\n");
        if (Failures(report) is { Count: > 0 } failures)
        {
            m.Append("## What failed\n\n");
            foreach (var (why, command) in failures) m.Append("- ").Append(why).Append(command is null ? "" : $" `{command}`").Append('\n');
            m.Append('\n');
        }
        m.Append("## Summary\n\n");
        var columns = Columns(report);
        m.Append("| ").Append(string.Join(" | ", columns)).Append(" |\n|");
        for (var i = 0; i < columns.Length; i++) m.Append(IsNumeric(i, columns.Length) ? "---:|" : "---|");
        m.Append('\n');
        foreach (var row in report.Rows)
        {
            var cells = Cells(report, row).Select(c => c.Replace("|", "\\|")).ToArray();
            var verdict = cells.Length - 1;
            if (row.Verdict is { Passed: false }) cells[verdict] = $"**{cells[verdict]}**";
            m.Append("| ").Append(string.Join(" | ", cells)).Append(" |\n");
        }
        m.Append("\nSlope: change of the primary metric per tenfold increase in size (least squares over the checkpoints' means), ")
            .Append("with a bootstrap 95% interval over examples. Trend and verdict as the gate computes them against `baselines/`.\n\n");
        m.Append($"## Scaling curves\n\n![scaling curves of every task]({gridPath})\n\n");

        foreach (var task in report.Tasks)
        {
            var first = report.RowsOf(task).First();
            m.Append($"## {task}\n\n");
            if (first.Task.Cause is { } cause) m.Append($"cause: {cause} · format: {first.Task.Format} · metric: {first.Task.PrimaryMetric}\n\n");
            m.Append($"![{task}: {first.Task.PrimaryMetric} against size]({plotPath(task)})\n\n");
            foreach (var row in report.RowsOf(task).Where(r => r.Verdict is not null && r.Verdict.Outcome != GateOutcome.Pass))
            {
                m.Append($"Gate on {row.Label}: **{VerdictWord(row.Verdict)}**\n\n");
                m.Append(Fenced(row.Verdict!.Message));
            }
            foreach (var flips in report.Flips.Where(f => f.Task == task))
            {
                var whose = report.Runs.Count > 1 ? $" ({flips.Label})" : "";
                m.Append($"### Right on {flips.Smallest}, wrong on {flips.Largest}{whose}\n\n{FlipCount(flips)}\n\n");
                if (flips.Note is { } note) m.Append($"_{note}_\n\n");
                foreach (var flip in flips.Shown)
                {
                    m.Append($"Example {flip.Index} · P(gold) {P(flip.GoldSmallest)} on {flips.Smallest} → {P(flip.GoldLargest)} on {flips.Largest}\n\n");
                    if (flip.Example is not { } example) continue;
                    var (tail, cut) = Tail(example.Prompt);
                    m.Append(Fenced((cut ? "…" : "") + tail));
                    for (var i = 0; i < example.Classes.Count; i++)
                    {
                        var marks = ClassMarks(flips, flip, example.AnswerIndex, i);
                        m.Append($"- `{Visible(example.Classes[i]).Replace("`", "'")}`{(marks.Length > 0 ? " — " + marks : "")}\n");
                    }
                    m.Append('\n');
                }
            }
        }
        return m.ToString();
    }

    private static string[] Columns(ScalingReport report)
    {
        var columns = new List<string>();
        if (report.Runs.Count > 1) columns.Add("Family");
        columns.AddRange(["Task", "Cause", "Metric", "Slope [95% CI]", "Control slope", "Trend", "Baseline slope", "Verdict"]);
        return [.. columns];
    }

    /// <summary>The slope, control-slope and baseline-slope columns, counted from the end.</summary>
    private static bool IsNumeric(int column, int columns) => column == columns - 5 || column == columns - 4 || column == columns - 2;

    private static string[] Cells(ScalingReport report, TaskRow row)
    {
        var cells = new List<string>();
        if (report.Runs.Count > 1) cells.Add(row.Label);
        cells.AddRange([
            row.Task.Task,
            row.Task.Cause ?? "–",
            row.Task.PrimaryMetric,
            $"{Signed(row.Fit.Slope)} [{Signed(row.Fit.SlopeLow)}, {Signed(row.Fit.SlopeHigh)}]",
            row.ControlFit is { } control ? Signed(control.Slope) : "–",
            row.Fit.Trend.ToName(),
            row.Verdict?.Slope?.Baseline is { } baseline ? Signed(baseline.Slope) : "–",
            VerdictWord(row.Verdict),
        ]);
        return [.. cells];
    }

    private static string ClassMarks(TaskFlips flips, FlipExample flip, int answer, int index)
    {
        var marks = new List<string>();
        if (index == answer) marks.Add("gold");
        if (index == flip.PredictedSmallest) marks.Add($"chosen by {flips.Smallest}");
        if (index == flip.PredictedLargest) marks.Add($"chosen by {flips.Largest}");
        return string.Join(", ", marks);
    }

    private static string FlipCount(TaskFlips flips) => flips.Count == 0
        ? $"None of the {flips.Compared} examples flips from right to wrong."
        : $"{flips.Count} of {flips.Compared} examples flip from right to wrong" +
          (flips.Shown.Count < flips.Count ? $"; the {flips.Shown.Count} sharpest (largest rise in the gold class's loss):" : ":");

    private static string Families(ScalingReport report) => string.Join(", ", report.Runs.Select(r => r.Summary.Family).Distinct());

    private static string RunsLine(ScalingReport report) => string.Join("; ", report.Runs.Select(r =>
    {
        var s = r.Summary.Settings;
        var checkpoints = string.Join(", ", r.Summary.Checkpoints.Select(c => $"{c.Name} ({ScalingPlots.Compact(c.NonEmbeddingParameters)})"));
        return $"{r.Summary.Family}: {checkpoints}; x axis {s.SizeMeasure}; " +
               $"{(s.Limit is { } l ? $"first {l} examples per task; " : "")}bootstrap {s.BootstrapResamples} resamples, seed {s.BootstrapSeed}; suite {s.SuiteVersion}";
    }));

    /// <summary>The prompt's last <see cref="PromptTail"/> characters, from a line start where one is near.</summary>
    private static (string Tail, bool Cut) Tail(string prompt)
    {
        if (prompt.Length <= PromptTail) return (prompt, false);
        var tail = prompt[^PromptTail..];
        var line = tail.IndexOf('\n');
        return (line >= 0 && line < PromptTail / 2 ? tail[(line + 1)..] : tail, true);
    }

    /// <summary>A class with its leading space made visible, since the space is part of what is scored.</summary>
    private static string Visible(string value) => value.Replace(" ", "␣").Replace("\n", "⏎");

    private static string Fenced(string text)
    {
        var fence = "```";
        while (text.Contains(fence, StringComparison.Ordinal)) fence += "`";
        return $"{fence}text\n{text.TrimEnd('\n')}\n{fence}\n\n";
    }

    internal static string FileName(string task) =>
        string.Concat(task.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static string P(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
}
