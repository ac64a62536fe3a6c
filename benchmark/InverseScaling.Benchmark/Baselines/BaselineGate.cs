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
