using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Runs;

/// <summary>What the gate's rule sees for one task.</summary>
/// <param name="Verified">The accepted baseline; null when there is none yet.</param>
/// <param name="Current">This run's result in baseline form: what <c>gate/&lt;task&gt;.json</c> and the received file hold.</param>
/// <param name="Result">This run's task result with its per-example scores, for a rule that pairs examples; null where only the
/// baseline form is at hand (a report reading <c>gate/</c>).</param>
public sealed record GateComparison(Baseline? Verified, Baseline Current, TaskResult? Result)
{
    /// <summary>The baseline's per-example values (<c>&lt;task&gt;.verified.per-example.tsv</c>); null when it has none.</summary>
    public PerExampleBaseline? VerifiedExamples { get; init; }

    /// <summary>This run's per-example values of the primary metric; when null, a rule that pairs examples builds them from <see cref="Result"/>.</summary>
    public PerExampleBaseline? CurrentExamples { get; init; }

    /// <summary>The task the run scored, for prompt excerpts of the examples a message names; null shows indices only.</summary>
    public BenchmarkTask? Task { get; init; }

    /// <summary>The received file and accept command messages name (the baselines folder's); null: the suite checkout's.</summary>
    public AcceptInstructions? Accept { get; init; }
}

/// <summary>
/// The gate's rule: how a task's result is judged against its baseline. <see cref="ToleranceGateComparer"/> is the rule of
/// tolerances on the slope and the per-checkpoint means; <see cref="PairedGateComparer"/> compares example by example where the
/// baseline has per-example values and falls back to it elsewhere.
/// </summary>
public interface IGateComparer
{
    GateVerdict Compare(GateComparison comparison);
}

/// <summary>The tolerance rule of <see cref="BaselineGate.Compare"/>.</summary>
public sealed class ToleranceGateComparer(GateTolerances tolerances) : IGateComparer
{
    public GateTolerances Tolerances { get; } = tolerances.Validate();

    public GateVerdict Compare(GateComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return BaselineGate.Compare(comparison.Verified, comparison.Current, Tolerances, comparison.Accept);
    }
}

/// <summary>Where a family's baselines live and the rule results are judged by.</summary>
/// <param name="Baselines">The baselines folder.</param>
public sealed record GateSettings(BaselineStore Baselines)
{
    /// <summary>The tolerance rule's tolerances. <value>Default <see cref="GateTolerances.Default"/>.</value></summary>
    public GateTolerances Tolerances { get; init; } = GateTolerances.Default;

    /// <summary>
    /// The paired rule's settings; its slope tolerance is taken from <see cref="Tolerances"/>' smallest slope tolerance.
    /// <value>Default <see cref="PairedTolerances.Default"/>.</value>
    /// </summary>
    public PairedTolerances Paired { get; init; } = PairedTolerances.Default;

    /// <summary>Another rule; null keeps <see cref="PairedGateComparer"/> with <see cref="Tolerances"/> and <see cref="Paired"/>.</summary>
    public IGateComparer? Comparer { get; init; }

    /// <summary>Compare a run limited with <c>--limit</c> with a baseline of other examples (<see cref="ProvenanceGateComparer"/>). <value>Default false.</value></summary>
    public bool CompareLimited { get; init; }

    /// <summary>The rule in force, inside the check of what was measured (<see cref="ProvenanceGateComparer"/>).</summary>
    public IGateComparer Rule => new ProvenanceGateComparer(
        Comparer ?? new PairedGateComparer(Tolerances, Paired with { SlopeTolerance = Tolerances.MinimumSlope }), CompareLimited);
}
