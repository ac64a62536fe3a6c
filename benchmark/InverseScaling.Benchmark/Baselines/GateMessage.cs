using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Formats;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>The text of a compared verdict: headline, slope, per-checkpoint table, provenance changes, accept command.</summary>
internal static class GateMessage
{
    public static string Write(
        GateOutcome outcome, Baseline baseline, Baseline current, SlopeDelta slope, IReadOnlyList<CheckpointDelta> checkpoints,
        GateTolerances tolerances, string received, string accept)
    {
        var metric = current.PrimaryMetric;
        var text = new StringBuilder();
        AppendHeadline(text, current, outcome, "",
            Reasons(slope, checkpoints, Movement.Worse), Reasons(slope, checkpoints, Movement.Better), "within tolerance");
        AppendFits(text, current, slope.Baseline, slope.Current, Signed);
        var rule = tolerances.WidenSlopeToInterval
            ? $", the larger of {Setting(tolerances.MinimumSlope)} and the baseline interval's half-width {Plain(slope.Baseline.HalfWidth)}"
            : "";
        text.Append($"  change    {Signed(slope.Change)} {Word(slope.Movement)} (tolerance {Plain(slope.Tolerance)}{rule})\n");

        text.Append($"{metric} per checkpoint (tolerance {Setting(tolerances.CheckpointStandardErrors)} × the baseline's standard error, at least {Setting(tolerances.MinimumCheckpoint)}):\n");
        AppendTable(text, checkpoints);

        if (Changes(baseline, current) is { Count: > 0 } changes)
            text.Append($"Changed since the baseline: {string.Join("; ", changes)}.\n");

        if (outcome == GateOutcome.Pass) return text.ToString().TrimEnd('\n');
        text.Append($"Accept this result as the new baseline (the run writes it to {received}):\n  {accept}");
        return text.ToString();
    }

    private static IEnumerable<string> Reasons(SlopeDelta slope, IReadOnlyList<CheckpointDelta> checkpoints, Movement way)
    {
        var word = way == Movement.Worse ? "worse" : "better";
        if (slope.Movement == way) yield return $"the slope is {word}";
        var moved = checkpoints.Where(c => c.Movement == way).Select(c => c.Checkpoint).ToArray();
        if (moved.Length == 1) yield return $"checkpoint {moved[0]} is {word}";
        if (moved.Length > 1) yield return $"checkpoints {string.Join(", ", moved)} are {word}";
        if (way != Movement.Worse) yield break;

        var gone = checkpoints.Where(c => c.Movement == Movement.OnlyInBaseline).Select(c => c.Checkpoint).ToArray();
        var added = checkpoints.Where(c => c.Movement == Movement.OnlyInRun).Select(c => c.Checkpoint).ToArray();
        if (gone.Length + added.Length == 0) yield break;
        var parts = new List<string>();
        if (gone.Length > 0) parts.Add($"only in the baseline: {string.Join(", ", gone)}");
        if (added.Length > 0) parts.Add($"only in this run: {string.Join(", ", added)}");
        yield return $"the family changed shape ({string.Join("; ", parts)})";
    }

    private static void AppendTable(StringBuilder text, IReadOnlyList<CheckpointDelta> checkpoints)
    {
        string[] header = ["checkpoint", "baseline", "new", "change", "tolerance"];
        var rows = checkpoints
            .Select(c => new[]
            {
                c.Checkpoint,
                c.Baseline is { } b ? Plain(b) : "-",
                c.Current is { } n ? Plain(n) : "-",
                c.Change is { } d ? Signed(d) : "-",
                c.Tolerance is { } t ? Plain(t) : "-",
                c.Movement switch
                {
                    Movement.Worse => "worse",
                    Movement.Better => "better",
                    Movement.OnlyInBaseline => "only in the baseline",
                    Movement.OnlyInRun => "only in this run",
                    _ => "",
                },
            })
            .ToArray();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        foreach (var row in rows.Prepend([.. header, ""]))
        {
            var line = "  " + row[0].PadRight(widths[0]);
            for (var i = 1; i < header.Length; i++) line += "  " + row[i].PadLeft(widths[i]);
            line += "  " + row[^1];
            text.Append(line.TrimEnd()).Append('\n');
        }
    }

    /// <summary>The first line of a verdict: outcome and reasons; <paramref name="how"/> qualifies how the run was compared.</summary>
    internal static void AppendHeadline(StringBuilder text, Baseline current, GateOutcome outcome, string how,
        IEnumerable<string> worse, IEnumerable<string> better, string same)
    {
        var metric = current.PrimaryMetric;
        text.Append($"{current.Family}/{current.Task}: ");
        text.Append(outcome switch
        {
            GateOutcome.Regressed => $"{metric} regressed against the baseline{how}: {string.Join("; ", worse)}.",
            GateOutcome.Improved => $"{metric} improved on the baseline{how}: {string.Join("; ", better)}. The run passes; accept the result to keep the gain.",
            _ => $"{metric} matches the baseline {same}.",
        });
        text.Append('\n');
    }

    /// <summary>The slope heading and the baseline's and the run's fitted slopes with their intervals and trends.</summary>
    internal static void AppendFits(StringBuilder text, Baseline current, BaselineFit before, BaselineFit after, Func<double, string> signed)
    {
        var metric = current.PrimaryMetric;
        var direction = MetricCatalog.Get(metric).HigherIsBetter ? "higher" : "lower";
        text.Append($"Slope of {metric} per decade of {current.SizeMeasure} ({direction} is better):\n");
        text.Append($"  baseline  {signed(before.Slope)} [{signed(before.SlopeLow)}, {signed(before.SlopeHigh)}] {before.Trend.ToName()}\n");
        text.Append($"  new       {signed(after.Slope)} [{signed(after.SlopeLow)}, {signed(after.SlopeHigh)}] {after.Trend.ToName()}\n");
    }

    internal static List<string> Changes(Baseline baseline, Baseline current)
    {
        var (a, b) = (baseline.Provenance, current.Provenance);
        var changes = new List<string>();
        if (a.TaskDataSha256 != b.TaskDataSha256) changes.Add("task data");
        if (!SameMap(a.TokenizerSha256, b.TokenizerSha256)) changes.Add("tokenizer files");
        if (!SameMap(a.ScoringOptions, b.ScoringOptions)) changes.Add("scoring options");
        if (a.BootstrapSeed != b.BootstrapSeed || a.BootstrapResamples != b.BootstrapResamples || a.BootstrapConfidence != b.BootstrapConfidence)
            changes.Add("bootstrap settings");
        if (a.SuiteVersion != b.SuiteVersion) changes.Add($"suite version {a.SuiteVersion} → {b.SuiteVersion}");
        var models = current.Checkpoints
            .Where(c => baseline.Checkpoints.FirstOrDefault(o => o.Name == c.Name) is { } old && old.OnnxSha256 != c.OnnxSha256)
            .Select(c => c.Name)
            .ToArray();
        if (models.Length > 0) changes.Add($"ONNX file of {string.Join(", ", models)}");
        return changes;
    }

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Word(Movement movement) => movement switch
    {
        Movement.Worse => "worse",
        Movement.Better => "better",
        _ => "within",
    };

    /// <summary>Four decimals; values below 1e-4 in scientific notation so that a small tolerance does not print as zero.</summary>
    internal static string Plain(double value)
    {
        if (value == 0) value = 0; // no "-0.0000"
        return value != 0 && Math.Abs(value) < 1e-4
            ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
            : value.ToString("0.0000", CultureInfo.InvariantCulture);
    }

    internal static string Signed(double value) => value >= 0 ? "+" + Plain(value) : Plain(value);

    private static string Setting(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
