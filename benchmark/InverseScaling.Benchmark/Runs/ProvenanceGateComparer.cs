using InverseScaling.Benchmark.Baselines;

namespace InverseScaling.Benchmark.Runs;

/// <summary>
/// The gate's check of what was measured, around any rule: a run scored with <c>--limit</c> against a baseline of other
/// examples is not compared (<see cref="GateOutcome.NotCompared"/>) unless <see cref="CompareLimited"/>; a run measured on
/// other inputs than its baseline (<see cref="ProvenanceCheck.Differences"/>) is compared by the rule all the same, and its
/// verdict is <see cref="GateOutcome.ProvenanceChanged"/>, with the rule's in <see cref="GateVerdict.Compared"/>.
/// </summary>
public sealed class ProvenanceGateComparer(IGateComparer rule, bool compareLimited = false) : IGateComparer
{
    /// <summary>The command-line option that compares a limited run with its baseline anyway.</summary>
    public const string CompareLimitedOption = "--compare-limited";

    public IGateComparer Rule { get; } = rule ?? throw new ArgumentNullException(nameof(rule));

    /// <summary>Compare a limited run with a baseline of other examples instead of refusing to. <value>Default false.</value></summary>
    public bool CompareLimited { get; } = compareLimited;

    public GateVerdict Compare(GateComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        if (comparison.Verified is not { } verified) return Rule.Compare(comparison);
        var current = comparison.Current;
        var (family, task) = (current.Family, current.Task);
        var (received, accept) = comparison.Accept ?? AcceptInstructions.InCheckout(family, task);
        var limited = ProvenanceCheck.IsLimitedAgainst(verified, current);
        if (limited && !CompareLimited)
        {
            return new GateVerdict(GateOutcome.NotCompared, family, task, current.PrimaryMetric,
                $"{family}/{task}: not compared: limited run ({ProvenanceCheck.LimitedCount(verified, current)}); " +
                $"pass {CompareLimitedOption} to compare anyway, or run without --limit.",
                null, [], accept);
        }

        var verdict = Rule.Compare(comparison);
        if (limited)
        {
            verdict = verdict with
            {
                Message = SecondLine(verdict.Message,
                    $"Compared although this run is limited ({ProvenanceCheck.LimitedCount(verified, current)}), as {CompareLimitedOption} asks."),
            };
        }
        var changes = ProvenanceCheck.Differences(verified, current);
        if (changes.Count == 0) return verdict;

        var message = $"{family}/{task}: provenance changed since the baseline: {string.Join("; ", changes)}. " +
            "The baseline measured something else, so the gate fails until the change is accepted; the comparison follows.\n" +
            verdict.Message.Replace("The run passes; accept the result", "Accept the result", StringComparison.Ordinal);
        if (!verdict.WritesReceived)
            message += $"\nIf the change is intended, accept this result as the new baseline (the run writes it to {received}):\n  {accept}";
        return verdict with
        {
            Outcome = GateOutcome.ProvenanceChanged,
            Compared = verdict.Outcome,
            ProvenanceChanges = changes,
            Message = message,
        };
    }

    private static string SecondLine(string message, string line)
    {
        var cut = message.IndexOf('\n');
        return cut < 0 ? message + "\n" + line : message[..(cut + 1)] + line + message[cut..];
    }
}
