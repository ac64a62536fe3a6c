using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Formats;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>What the gate concluded about a run.</summary>
public enum GateOutcome
{
    /// <summary>Within tolerance of the baseline everywhere.</summary>
    Pass,
    /// <summary>Better than the baseline beyond tolerance somewhere, worse nowhere: passes, with a notice to accept.</summary>
    Improved,
    /// <summary>Worse beyond tolerance, or the family's checkpoints or the task's primary metric changed: fails.</summary>
    Regressed,
    /// <summary>No verified baseline for this family and task: fails until one is accepted.</summary>
    NoBaseline,
    /// <summary>
    /// The run was measured on other inputs than the baseline (task data, a model or tokenizer file, the scoring options, the
    /// size measure, the examples scored): fails until the change is accepted, whatever the comparison says
    /// (<see cref="GateVerdict.Compared"/>).
    /// </summary>
    ProvenanceChanged,
    /// <summary>A run limited with <c>--limit</c> against a baseline of other examples: not compared, and fails unless asked to compare.</summary>
    NotCompared,
}

/// <summary>How one compared quantity moved, read in the metric's better direction.</summary>
public enum Movement
{
    Within,
    Better,
    Worse,
    OnlyInBaseline,
    OnlyInRun,
}

/// <summary>How the gate compared a run with its baseline.</summary>
public enum GateMethod
{
    /// <summary>Per-checkpoint means against tolerances from the baseline's standard errors, and the slope against the slope tolerance.</summary>
    Unpaired,
    /// <summary>Example by example, against the baseline's per-example values (<see cref="PairedRule"/>).</summary>
    Paired,
}

/// <summary>The primary metric's slope in the baseline and in the run.</summary>
public sealed record SlopeDelta(BaselineFit Baseline, BaselineFit Current, double Tolerance, Movement Movement)
{
    public double Change => Current.Slope - Baseline.Slope;
}

/// <summary>One checkpoint's primary-metric mean in the baseline and in the run; null on the side that lacks the checkpoint.</summary>
public sealed record CheckpointDelta(string Checkpoint, double? Baseline, double? Current, double? Tolerance, Movement Movement)
{
    public double? Change => Current - Baseline;
}

/// <summary>The gate's verdict on one family and task, with the message to show and the numbers behind it.</summary>
/// <param name="Slope">Null when there is nothing to compare (no baseline, or a changed metric or size measure).</param>
public sealed record GateVerdict(
    GateOutcome Outcome,
    string Family,
    string Task,
    string Metric,
    string Message,
    SlopeDelta? Slope,
    IReadOnlyList<CheckpointDelta> Checkpoints,
    string AcceptCommand)
{
    /// <summary>How the run was compared. <value>Default <see cref="GateMethod.Unpaired"/>.</value></summary>
    public GateMethod Method { get; init; } = GateMethod.Unpaired;

    /// <summary>Why an unpaired comparison was made where a paired one was asked for (no per-example baseline, other task data…).</summary>
    public string? UnpairedBecause { get; init; }

    /// <summary>The paired comparison behind a <see cref="GateMethod.Paired"/> verdict.</summary>
    public PairedComparison? Paired { get; init; }

    /// <summary>Under <see cref="GateOutcome.ProvenanceChanged"/>, what the comparison alone concluded; else null.</summary>
    public GateOutcome? Compared { get; init; }

    /// <summary>What the run was measured on that the baseline was not (<see cref="ProvenanceCheck.Differences"/>); empty when nothing.</summary>
    public IReadOnlyList<string> ProvenanceChanges { get; init; } = [];

    /// <summary>True for <see cref="GateOutcome.Pass"/> and <see cref="GateOutcome.Improved"/>.</summary>
    public bool Passed => Outcome is GateOutcome.Pass or GateOutcome.Improved;

    /// <summary>True when the run's result belongs in <c>&lt;task&gt;.received.json</c> (every outcome but <see cref="GateOutcome.Pass"/>).</summary>
    public bool WritesReceived => Outcome is not GateOutcome.Pass;
}

/// <summary>
/// Compares a run with its verified baseline. Fails (<see cref="GateOutcome.Regressed"/>) when the primary metric's slope is
/// worse by more than <see cref="GateTolerances.SlopeTolerance"/>, when any checkpoint's mean is worse by more than
/// <see cref="GateTolerances.CheckpointTolerance"/>, or when a checkpoint is in only one of the two; a change for the
/// better beyond tolerance is <see cref="GateOutcome.Improved"/>.
/// </summary>
internal static class BaselineGate
{
    /// <summary>Compares <paramref name="current"/> with <paramref name="baseline"/> (null: there is none yet). Writes nothing.</summary>
    /// <param name="instructions">The received file and accept command the message names; the suite checkout's by default.</param>
    public static GateVerdict Compare(Baseline? baseline, Baseline current, GateTolerances? tolerances = null, AcceptInstructions? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        tolerances = (tolerances ?? GateTolerances.Default).Validate();
        var (family, task, metric) = (current.Family, current.Task, current.PrimaryMetric);
        (var received, var accept) = instructions ?? AcceptInstructions.InCheckout(family, task);

        if (baseline is null)
        {
            return new GateVerdict(GateOutcome.NoBaseline, family, task, metric,
                $"no baseline yet for {family}/{task}. This run's result is written to {received}; check it, then accept it as the baseline:\n  {accept}",
                null, [], accept);
        }
        if (baseline.Family != family || baseline.Task != task)
            throw new ArgumentException($"the baseline is for {baseline.Family}/{baseline.Task}, the run for {family}/{task}", nameof(baseline));

        if (baseline.PrimaryMetric != metric || baseline.SizeMeasure != current.SizeMeasure)
        {
            var what = baseline.PrimaryMetric != metric
                ? $"the primary metric changed from {baseline.PrimaryMetric} to {metric}"
                : $"the size measure changed from {baseline.SizeMeasure} to {current.SizeMeasure}";
            return new GateVerdict(GateOutcome.Regressed, family, task, metric,
                $"{family}/{task}: {what} since the baseline, so the two cannot be compared. " +
                $"This run's result is written to {received}; once it is right, accept it:\n  {accept}",
                null, [], accept);
        }

        var sign = MetricCatalog.Get(metric).HigherIsBetter ? 1.0 : -1.0;
        var slopeTolerance = tolerances.SlopeTolerance(baseline.PrimaryFit);
        var slope = new SlopeDelta(baseline.PrimaryFit, current.PrimaryFit, slopeTolerance,
            Move(sign * (current.PrimaryFit.Slope - baseline.PrimaryFit.Slope), slopeTolerance));
        var checkpoints = CompareCheckpoints(baseline, current, metric, sign, tolerances);

        var worse = slope.Movement == Movement.Worse || checkpoints.Any(c => c.Movement is not (Movement.Within or Movement.Better));
        var better = slope.Movement == Movement.Better || checkpoints.Any(c => c.Movement == Movement.Better);
        var outcome = worse ? GateOutcome.Regressed : better ? GateOutcome.Improved : GateOutcome.Pass;
        var message = GateMessage.Write(outcome, baseline, current, slope, checkpoints, tolerances, received, accept);
        return new GateVerdict(outcome, family, task, metric, message, slope, checkpoints, accept);
    }

    private static CheckpointDelta[] CompareCheckpoints(Baseline baseline, Baseline current, string metric, double sign, GateTolerances tolerances)
    {
        var before = baseline.Checkpoints.ToDictionary(c => c.Name);
        var after = current.Checkpoints.ToDictionary(c => c.Name);
        return baseline.Checkpoints.Concat(current.Checkpoints.Where(c => !before.ContainsKey(c.Name)))
            .OrderBy(c => c.Size).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c =>
            {
                if (!after.TryGetValue(c.Name, out var now))
                    return new CheckpointDelta(c.Name, c.Metrics[metric].Mean, null, null, Movement.OnlyInBaseline);
                if (!before.TryGetValue(c.Name, out var then))
                    return new CheckpointDelta(c.Name, null, now.Metrics[metric].Mean, null, Movement.OnlyInRun);
                var (old, @new) = (then.Metrics[metric], now.Metrics[metric]);
                var tolerance = tolerances.CheckpointTolerance(old);
                return new CheckpointDelta(c.Name, old.Mean, @new.Mean, tolerance, Move(sign * (@new.Mean - old.Mean), tolerance));
            })
            .ToArray();
    }

    private static Movement Move(double betterBy, double tolerance) =>
        betterBy < -tolerance ? Movement.Worse : betterBy > tolerance ? Movement.Better : Movement.Within;
}

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
