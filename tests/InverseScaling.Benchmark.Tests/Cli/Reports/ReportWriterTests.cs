using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Reports;
using InverseScaling.Benchmark.Runs;
using ScottPlot;

namespace InverseScaling.Benchmark.Tests.Cli.Reports;

public sealed class ReportWriterTests
{
    private readonly string _root = TestPaths.NewTempDirectory();

    private ScalingReport Build(string run) => ScalingReport.Build([FinishedRun.Load(run)],
        new BaselineStore(Path.Combine(_root, "baselines")), Path.Combine(_root, "tasks"), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public void The_html_page_is_self_contained_and_opens_with_what_failed()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest);
        var report = Build(run);

        var files = ReportWriter.Write(report, Path.Combine(_root, "report"));

        var html = File.ReadAllText(files.Html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("url(", html);
        var sources = Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, sources.Count); // the grid and flippy's plot
        Assert.All(sources, s => Assert.StartsWith("data:image/svg+xml;base64,", s));
        var failed = html.IndexOf("What failed", StringComparison.Ordinal);
        Assert.True(failed > 0 && failed < html.IndexOf("<h2 id=\"summary\">", StringComparison.Ordinal));
        // The baselines are a folder of the user's, so the accept command is the tool's, naming that folder.
        Assert.Contains($"<li>fam/flippy: no verified baseline yet; once this result is right, accept it: <code>dotnet inverse-scaling accept --baselines {Path.Combine(_root, "baselines")} --family fam --task flippy</code></li>", html);
        Assert.Contains("<pre class=\"prompt\">Q: first?\nA:</pre>", html);
    }

    [Fact]
    public void The_markdown_twin_links_plots_written_beside_it()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest);
        var report = Build(run);

        var files = ReportWriter.Write(report, Path.Combine(_root, "report"));

        var markdown = File.ReadAllText(files.Markdown);
        var images = Regex.Matches(markdown, @"!\[[^\]]*\]\(([^)]*)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["plots/grid.png", "plots/flippy.png"], images);
        foreach (var image in images)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_root, "report", image));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
        Assert.Contains("| flippy | strong-prior | loss |", markdown);
        Assert.Contains("- `␣A` — gold, chosen by a\n- `␣B` — chosen by c\n", markdown);
        Assert.StartsWith("<?xml", File.ReadAllText(files.GridSvg));
    }

    [Fact]
    public void A_task_plot_has_the_curve_with_95_percent_intervals_the_fitted_line_and_dashed_chance()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest);
        var report = Build(run);
        var row = Assert.Single(report.Rows);

        var plot = ScalingPlots.Task(report, SyntheticRun.Task);

        var bars = Assert.Single(plot.GetPlottables<ScottPlot.Plottables.ErrorBar>());
        Assert.Equal([4.0, 5.0, 6.0], bars.Xs);
        Assert.Equal(row.Task.Checkpoints.Select(c => c.Metrics["loss"].Mean), bars.Ys);
        Assert.Equal(row.Task.Checkpoints.Select(c => 1.96 * c.Metrics["loss"].StandardError), bars.YErrorPositive);
        var fit = Assert.Single(plot.GetPlottables<ScottPlot.Plottables.LinePlot>());
        Assert.Equal(row.Fit.Intercept + 4 * row.Fit.Slope, fit.Start.Y, 12);
        Assert.Equal(row.Fit.Intercept + 6 * row.Fit.Slope, fit.End.Y, 12);
        var chance = Assert.Single(plot.GetPlottables<ScottPlot.Plottables.HorizontalLine>());
        Assert.Equal(Math.Log(2), chance.Y, 12);
        Assert.Equal(LinePattern.Dashed, chance.LinePattern);
        // Mean loss 0.37200 on a and b, 1.03954 on c (see SyntheticRun): slope over log10 sizes 4, 5, 6 = (1.03954 − 0.37200) / 2.
        Assert.Equal(["fam", "fam fit +0.334/decade", "chance"], plot.GetPlottables().Select(p => p.LegendItems.FirstOrDefault()?.LabelText).OfType<string>().Where(t => t.Length > 0));
    }

    [Fact]
    public void A_checkpoint_scored_on_one_example_is_a_point_without_an_interval()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest, take: 1);
        var report = Build(run);
        Assert.Equal(0, report.Rows[0].Task.Checkpoints[0].Metrics["loss"].StandardError);

        var plot = ScalingPlots.Task(report, SyntheticRun.Task);

        Assert.Equal([0.0, 0.0, 0.0], Assert.Single(plot.GetPlottables<ScottPlot.Plottables.ErrorBar>()).YErrorPositive);
        var limits = plot.Axes.GetLimits();
        Assert.True(double.IsFinite(limits.Bottom) && double.IsFinite(limits.Top));
    }

    [Theory]
    [InlineData(13_000, "13k")]
    [InlineData(1_300_000, "1.3M")]
    [InlineData(7e9, "7B")]
    [InlineData(850, "850")]
    [InlineData(1e12, "1T")]
    public void Sizes_are_written_as_the_papers_axes_write_them(double size, string expected) =>
        Assert.Equal(expected, ScalingPlots.Compact(size));
}
