using System.Globalization;
using System.Net;
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
internal static class ReportWriter
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
        _ => "not checked",
    };

    /// <summary>What a reader sees first: how many results scale inversely and how many the gate fails.</summary>
    public static string Headline(ScalingReport report)
    {
        var inverse = report.Rows.Count(r => r.Fit.Trend == Trend.Inverse);
        var checkedRows = report.Rows.Count(r => r.Verdict is not null);
        var regressed = report.Rows.Count(r => r.Verdict?.Outcome == GateOutcome.Regressed);
        var missing = report.Rows.Count(r => r.Verdict?.Outcome == GateOutcome.NoBaseline);
        var gate = checkedRows == 0 ? "the run folders hold no gate results"
            : regressed + missing == 0 ? $"the gate passes on all {checkedRows}"
            : $"the gate fails on {regressed + missing} of {checkedRows} ({Count(regressed, "regressed")}, {Count(missing, "without a baseline")})";
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

    internal static string Html(ScalingReport report, string gridSvgPath, IReadOnlyDictionary<string, string> svgByTask)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append($"<title>Inverse-scaling report: {E(Families(report))}</title>\n<style>{Css}</style>\n</head>\n<body>\n");
        h.Append($"<h1>Inverse-scaling report: {E(Families(report))}</h1>\n");
        h.Append($"<p class=\"headline\">{E(Headline(report))}</p>\n");
        h.Append("<p class=\"meta\">").Append(E(RunsLine(report))).Append("</p>\n");
        if (Failures(report) is { Count: > 0 } failures)
        {
            h.Append("<div class=\"failures\"><h2 id=\"failed\">What failed</h2>\n<ul>\n");
            foreach (var (why, command) in failures) h.Append($"<li>{E(why)}{(command is null ? "" : $" <code>{E(command)}</code>")}</li>\n");
            h.Append("</ul></div>\n");
        }

        h.Append("<h2 id=\"summary\">Summary</h2>\n<table>\n<thead><tr>");
        foreach (var c in Columns(report)) h.Append($"<th>{E(c)}</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in report.Rows)
        {
            var cells = Cells(report, row).Select(E).ToArray();
            var n = cells.Length;
            var task = report.Runs.Count > 1 ? 1 : 0;
            cells[task] = $"<a href=\"#task-{E(FileName(row.Task.Task))}\">{cells[task]}</a>";
            cells[n - 3] = $"<span class=\"trend {row.Fit.Trend.ToName()}\">{cells[n - 3]}</span>";
            cells[n - 1] = $"<span class=\"verdict {VerdictClass(row.Verdict)}\">{cells[n - 1]}</span>";
            h.Append("<tr>");
            for (var i = 0; i < n; i++) h.Append(IsNumeric(i, n) ? $"<td class=\"num\">{cells[i]}</td>" : $"<td>{cells[i]}</td>");
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
        h.Append("<p class=\"note\">Slope: change of the primary metric per tenfold increase in size, least squares over the checkpoints' means, ")
            .Append("with a bootstrap 95% interval over examples. Trend and verdict as the gate computes them against <code>baselines/</code>.</p>\n");

        h.Append("<h2 id=\"curves\">Scaling curves</h2>\n");
        h.Append($"<img class=\"grid\" alt=\"scaling curves of every task\" src=\"{DataUri(File.ReadAllText(gridSvgPath))}\">\n");

        foreach (var task in report.Tasks)
        {
            h.Append($"<section id=\"task-{E(FileName(task))}\">\n<h2>{E(task)}</h2>\n");
            var first = report.RowsOf(task).First();
            if (first.Task.Cause is { } cause) h.Append($"<p class=\"meta\">cause: {E(cause)} · format: {E(first.Task.Format)} · metric: {E(first.Task.PrimaryMetric)}</p>\n");
            h.Append($"<img class=\"plot\" alt=\"{E(task)}: {E(first.Task.PrimaryMetric)} against size\" src=\"{DataUri(File.ReadAllText(svgByTask[task]))}\">\n");
            foreach (var row in report.RowsOf(task).Where(r => r.Verdict is not null && r.Verdict.Outcome != GateOutcome.Pass))
            {
                h.Append($"<details{(row.Verdict!.Passed ? "" : " open")}><summary>Gate on {E(row.Label)}: <span class=\"verdict {VerdictClass(row.Verdict)}\">{E(VerdictWord(row.Verdict))}</span></summary>\n");
                h.Append($"<pre>{E(row.Verdict.Message)}</pre>\n</details>\n");
            }
            foreach (var flips in report.Flips.Where(f => f.Task == task)) AppendFlipsHtml(h, report, flips);
            h.Append("</section>\n");
        }
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static void AppendFlipsHtml(StringBuilder h, ScalingReport report, TaskFlips flips)
    {
        var whose = report.Runs.Count > 1 ? $" ({E(flips.Label)})" : "";
        h.Append($"<h3>Right on {E(flips.Smallest)}, wrong on {E(flips.Largest)}{whose}</h3>\n");
        h.Append($"<p>{FlipCount(flips)}</p>\n");
        if (flips.Note is { } note) h.Append($"<p class=\"note\">{E(note)}</p>\n");
        foreach (var flip in flips.Shown)
        {
            h.Append("<div class=\"flip\">\n");
            h.Append($"<p class=\"meta\">example {flip.Index} · P(gold) {P(flip.GoldSmallest)} on {E(flips.Smallest)} → {P(flip.GoldLargest)} on {E(flips.Largest)}</p>\n");
            if (flip.Example is { } example)
            {
                var (tail, cut) = Tail(example.Prompt);
                h.Append($"<pre class=\"prompt\">{(cut ? "…" : "")}{E(tail)}</pre>\n");
                if (cut) h.Append($"<details><summary>whole prompt ({example.Prompt.Length} characters)</summary><pre class=\"prompt\">{E(example.Prompt)}</pre></details>\n");
                h.Append("<ul class=\"classes\">\n");
                for (var i = 0; i < example.Classes.Count; i++)
                {
                    var marks = ClassMarks(flips, flip, example.AnswerIndex, i);
                    h.Append($"<li{(i == example.AnswerIndex ? " class=\"gold\"" : "")}><code>{E(Visible(example.Classes[i]))}</code>{(marks.Length > 0 ? $" <span class=\"marks\">{E(marks)}</span>" : "")}</li>\n");
                }
                h.Append("</ul>\n");
            }
            h.Append("</div>\n");
        }
    }

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

    private static string DataUri(string svg) =>
        "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));

    private static string VerdictClass(GateVerdict? verdict) => verdict?.Outcome switch
    {
        GateOutcome.Pass => "pass",
        GateOutcome.Improved => "improved",
        GateOutcome.Regressed => "regressed",
        GateOutcome.NoBaseline => "nobaseline",
        _ => "unchecked",
    };

    internal static string FileName(string task) =>
        string.Concat(task.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string P(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1320px;padding:0 1rem;color:#1b1f24;line-height:1.45}
        h1{font-size:1.6rem;margin-bottom:.3rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
        .headline{font-size:1.1rem;font-weight:600}.meta{color:#57606a;font-size:.9rem}.note{color:#57606a;font-size:.85rem}
        table{border-collapse:collapse;font-size:.92rem;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
        th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .verdict{font-weight:600;padding:.05rem .4rem;border-radius:.3rem}.verdict.pass{background:#dafbe1;color:#116329}
        .verdict.improved{background:#ddf4ff;color:#0550ae}.verdict.regressed{background:#ffebe9;color:#a40e26}
        .verdict.nobaseline{background:#fff8c5;color:#7d4e00}.verdict.unchecked{color:#57606a}
        .trend.inverse{color:#a40e26;font-weight:600}.trend.positive{color:#116329}
        img.grid{width:100%;border:1px solid #d0d7de}img.plot{max-width:900px;width:100%}
        pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap;font-size:.85rem}
        .flip{border-left:3px solid #d0d7de;padding-left:.8rem;margin:1rem 0}.classes li.gold code{font-weight:700}
        .marks{color:#57606a;font-size:.85rem}details summary{cursor:pointer}
        .failures{border:1px solid #ff8182;background:#fff5f5;border-radius:.4rem;padding:0 1rem .4rem;margin:1rem 0}
        .failures h2{border:none;margin-top:.8rem;font-size:1.15rem;color:#a40e26}.failures li{margin:.2rem 0}
        """;
}
