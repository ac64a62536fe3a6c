using System.Net;
using System.Text;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Cli.Reports;

/// <summary>The self-contained <c>report.html</c>: styles inline, every image a data URI.</summary>
internal static partial class ReportWriter
{
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

    private static string DataUri(string svg) =>
        "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(svg));

    private static string VerdictClass(GateVerdict? verdict) => verdict?.Outcome switch
    {
        GateOutcome.Pass => "pass",
        GateOutcome.Improved => "improved",
        GateOutcome.Regressed => "regressed",
        GateOutcome.NoBaseline => "nobaseline",
        GateOutcome.ProvenanceChanged => "regressed",
        GateOutcome.NotCompared => "nobaseline",
        _ => "unchecked",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);

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
