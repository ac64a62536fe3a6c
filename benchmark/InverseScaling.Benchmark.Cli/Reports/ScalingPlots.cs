using System.Globalization;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using ScottPlot;
using SkiaSharp;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Formats;

namespace InverseScaling.Benchmark.Cli.Reports;

/// <summary>
/// Scaling curves as the prize's figures draw them: a task's primary metric against model size on a log axis, one line
/// per family with each checkpoint's 95% interval, the control set dashed beside it, the fitted slope dotted, and
/// uniform chance as a grey dashed line.
/// </summary>
internal static class ScalingPlots
{
    public const int Width = 900, Height = 480;
    public const int CellWidth = 420, CellHeight = 300;

    private static readonly Color ChanceColor = Color.FromHex("#7f7f7f");

    /// <summary>DejaVu Sans where installed (Debian, Ubuntu runners), else ScottPlot's sans-serif choice.</summary>
    private static string FontName => SKFontManager.Default.GetFontFamilies().Contains("DejaVu Sans") ? "DejaVu Sans" : Fonts.Sans;

    /// <summary>One task's plot, legend inside.</summary>
    public static Plot Task(ScalingReport report, string task)
    {
        var plot = Draw(report, task, compact: false);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 12;
        plot.Font.Set(FontName);
        return plot;
    }

    /// <summary>Every task on one page; the legend gets its own cell when the grid has one to spare.</summary>
    public static (Multiplot Grid, int Width, int Height) Grid(ScalingReport report)
    {
        var columns = Math.Min(4, Math.Max(1, report.Tasks.Count));
        var cells = report.Tasks.Count + 1;
        var rows = (cells + columns - 1) / columns;
        var grid = new Multiplot();
        grid.RemovePlot(grid.GetPlot(0));
        foreach (var task in report.Tasks)
        {
            var cell = Draw(report, task, compact: true);
            cell.HideLegend();
            cell.Font.Set(FontName);
            grid.AddPlot(cell);
        }
        grid.AddPlot(Key(report));
        grid.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        return (grid, columns * CellWidth, rows * CellHeight);
    }

    public static void SavePng(Plot plot, string path) => plot.SavePng(path, Width, Height);

    public static void SaveSvg(Plot plot, string path) => AtomicFile.WriteAllText(path, plot.GetSvgXml(Width, Height));

    public static byte[] GridPng(Multiplot grid, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        grid.Render(surface.Canvas, new PixelRect(0, width, height, 0));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string GridSvg(Multiplot grid, int width, int height)
    {
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            grid.Render(canvas, new PixelRect(0, width, height, 0));
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static Plot Draw(ScalingReport report, string task, bool compact)
    {
        var plot = new Plot();
        var rows = report.RowsOf(task).ToList();
        var metric = rows[0].Task.PrimaryMetric;
        var palette = new ScottPlot.Palettes.Category10();
        var ys = new List<double>();
        var xs = new List<double>();

        foreach (var row in rows)
        {
            var color = palette.GetColor(row.RunIndex);
            Curve(plot, row.Task.Checkpoints, metric, color, control: false, row.Label, xs, ys);
            if (row.Task.ControlCheckpoints is { Count: > 0 } controlSet)
                Curve(plot, controlSet, metric, color.WithAlpha(.75), control: true, $"{row.Label} control", xs, ys);

            var (x0, x1) = (Math.Log10(row.Task.Checkpoints.Min(c => c.Size)), Math.Log10(row.Task.Checkpoints.Max(c => c.Size)));
            var fit = plot.Add.Line(x0, row.Fit.Intercept + row.Fit.Slope * x0, x1, row.Fit.Intercept + row.Fit.Slope * x1);
            fit.Color = color.WithAlpha(.6);
            fit.LineWidth = 1.5f;
            fit.LinePattern = LinePattern.Dotted;
            fit.MarkerShape = MarkerShape.None;
            fit.LegendText = $"{row.Label} fit {Signed(row.Fit.Slope)}/decade";
        }

        if (rows.Select(r => r.Fit.Chance).FirstOrDefault(c => c is not null) is { } chance)
        {
            var line = plot.Add.HorizontalLine(chance, 1.5f, ChanceColor, LinePattern.Dashed);
            line.LegendText = "chance";
            ys.Add(chance);
        }

        var (low, high) = (ys.Min(), ys.Max());
        var pad = Math.Max((high - low) * 0.12, Math.Max(Math.Abs(high), 1e-3) * 0.02);
        (low, high) = (low - pad, high + pad);
        // Accuracy cannot leave [0, 1]; an interval that reaches past it should not stretch the axis.
        if (metric == MetricNames.Accuracy) (low, high) = (Math.Max(low, -0.02), Math.Min(high, 1.02));
        plot.Axes.SetLimitsY(low, high);
        plot.Axes.SetLimitsX(xs.Min() - 0.3, xs.Max() + 0.3);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = x => Compact(Math.Pow(10, x)),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };

        var direction = MetricCatalog.Find(metric) is { HigherIsBetter: true } ? "higher is better" : "lower is better";
        var trend = rows.Count == 1 ? $": {Signed(rows[0].Fit.Slope)}/decade, {rows[0].Fit.Trend.ToName()}" : "";
        plot.Title($"{task}{trend}", compact ? 13 : 16);
        plot.YLabel($"{metric} ({direction})", compact ? 11 : 13);
        plot.XLabel(compact ? SizeLabel(report.SizeMeasure, short_: true) : SizeLabel(report.SizeMeasure, short_: false), compact ? 11 : 13);
        if (compact)
        {
            plot.Axes.Bottom.TickLabelStyle.FontSize = 10;
            plot.Axes.Left.TickLabelStyle.FontSize = 10;
        }
        return plot;
    }

    private static void Curve(Plot plot, IReadOnlyList<CheckpointMetricsSummary> checkpoints, string metric, Color color,
        bool control, string label, List<double> xs, List<double> ys)
    {
        var (pattern, marker) = control ? (LinePattern.Dashed, MarkerShape.OpenSquare) : (LinePattern.Solid, MarkerShape.FilledCircle);
        var points = checkpoints.OrderBy(c => c.Size).Select(c => (X: Math.Log10(c.Size), Value: c.Metrics[metric])).ToArray();
        var x = points.Select(p => p.X).ToArray();
        var y = points.Select(p => p.Value.Mean).ToArray();
        // A single example has no spread (standard error 0; NaN in run folders written before #13): its point has no interval.
        var error = points.Select(p => double.IsFinite(p.Value.StandardError) ? 1.96 * p.Value.StandardError : 0).ToArray();

        var bars = plot.Add.ErrorBar(x, y, error);
        bars.Color = control ? color.WithAlpha(.45) : color;
        bars.CapSize = 5;
        bars.LineWidth = 1.2f;

        var line = plot.Add.Scatter(x, y, color);
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerShape = marker;
        line.MarkerSize = 8;
        line.LegendText = label;

        xs.AddRange(x);
        ys.AddRange(y.Zip(error, (v, e) => v - e));
        ys.AddRange(y.Zip(error, (v, e) => v + e));
    }

    /// <summary>A frameless cell holding only the legend: the grid's key.</summary>
    private static Plot Key(ScalingReport report)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var items = new List<LegendItem>();
        foreach (var (label, i) in report.Labels.Select((l, i) => (l, i)))
        {
            var color = palette.GetColor(i);
            items.Add(Item($"{label}: task (95% interval)", color, LinePattern.Solid, MarkerShape.FilledCircle));
            items.Add(Item($"{label}: control set", color.WithAlpha(.75), LinePattern.Dashed, MarkerShape.OpenSquare));
            items.Add(Item($"{label}: fitted slope", color.WithAlpha(.6), LinePattern.Dotted, MarkerShape.None));
        }
        items.Add(Item("uniform chance", ChanceColor, LinePattern.Dashed, MarkerShape.None));

        var plot = new Plot();
        plot.Layout.Frameless();
        plot.Axes.Frameless();
        plot.HideGrid();
        var legend = plot.ShowLegend(items, Alignment.MiddleCenter);
        legend.FontSize = 13;
        plot.Font.Set(FontName);
        return plot;
    }

    private static LegendItem Item(string text, Color color, LinePattern pattern, MarkerShape marker) => new()
    {
        LabelText = text,
        LineColor = color,
        LineWidth = 2,
        LinePattern = pattern,
        MarkerShape = marker,
        MarkerFillColor = color,
        MarkerLineColor = color,
        MarkerSize = 8,
    };

    private static string SizeLabel(string measure, bool short_) => measure switch
    {
        SizeMeasures.NonEmbeddingParametersName => short_ ? "non-embedding parameters" : "non-embedding parameters (log scale)",
        SizeMeasures.TrainingFlopsName => short_ ? "training FLOPs" : "training FLOPs (log scale)",
        _ => measure,
    };

    /// <summary>1k, 10M, 3B…: sizes as the papers' axes write them.</summary>
    internal static string Compact(double value)
    {
        string[] suffixes = ["", "k", "M", "B", "T", "P", "E"];
        var power = 0;
        while (Math.Abs(value) >= 1000 && power < suffixes.Length - 1)
        {
            value /= 1000;
            power++;
        }
        return value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + suffixes[power];
    }

    private static string Signed(double value) => value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);
}
