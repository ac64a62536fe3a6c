using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Runs;

/// <summary>
/// The gate's default rule: example by example (<see cref="PairedRule"/>) where the baseline has per-example values that
/// belong to it and to this run's task data; otherwise the tolerance rule (<see cref="BaselineGate.Compare"/>), with the
/// reason in <see cref="GateVerdict.UnpairedBecause"/> and on the message's second line.
/// </summary>
internal sealed class PairedGateComparer(GateTolerances tolerances, PairedTolerances paired) : IGateComparer
{
    public GateTolerances Tolerances { get; } = tolerances.Validate();

    public PairedTolerances Paired { get; } = paired.Validate();

    public GateVerdict Compare(GateComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var unpaired = BaselineGate.Compare(comparison.Verified, comparison.Current, Tolerances, comparison.Accept);
        // No baseline, or another metric or size measure: there is nothing to pair, and the tolerance rule says so.
        if (comparison.Verified is not { } verified || unpaired.Slope is null) return unpaired;

        var current = comparison.Current;
        var (baselineExamples, currentExamples) = (comparison.VerifiedExamples, comparison.CurrentExamples);
        if (currentExamples is null && comparison.Result is { } result && baselineExamples is not null)
            currentExamples = RunBaselines.ToPerExample(result, current.Family, baselineExamples.Decimals);
        var why = baselineExamples is null
            ? $"the baseline has no per-example file ({current.Task}{PerExampleBaselineFile.VerifiedSuffix}); accept this run's to compare example by example"
            : currentExamples is null
                ? "this run's per-example scores are not at hand"
                : PairedRule.WhyNotMatching(baselineExamples, verified) is { } mismatch
                    ? $"{mismatch}; accept this run's per-example file to compare example by example"
                    : PairedRule.WhyNotPaired(baselineExamples, currentExamples);
        if (why is not null) return Unpaired(unpaired, why);

        var metric = verified.PrimaryMetric;
        var judged = PairedRule.Compare(
            baselineExamples!, SizesOf(verified, baselineExamples!), currentExamples!, SizesOf(current, currentExamples!),
            MetricCatalog.Get(metric).HigherIsBetter, Paired);
        var outcome = judged.Worse ? GateOutcome.Regressed : judged.Better ? GateOutcome.Improved : GateOutcome.Pass;
        var (family, task) = (current.Family, current.Task);
        var (received, accept) = comparison.Accept ?? AcceptInstructions.InCheckout(family, task);
        var message = PairedGateMessage.Write(outcome, verified, current, judged, Prompts(comparison, judged), received, accept);
        var slope = unpaired.Slope with { Tolerance = Paired.SlopeTolerance, Movement = judged.Slope?.Movement ?? Movement.Within };
        var checkpoints = judged.Checkpoints
            .Select(c => new CheckpointDelta(c.Checkpoint, c.BaselineMean, c.CurrentMean, c.Threshold, c.Movement))
            .ToArray();
        return new GateVerdict(outcome, family, task, metric, message, slope, checkpoints, accept)
        {
            Method = GateMethod.Paired,
            Paired = judged,
        };
    }

    /// <summary>The tolerance rule's verdict, saying why it was used.</summary>
    private static GateVerdict Unpaired(GateVerdict verdict, string why)
    {
        var cut = verdict.Message.IndexOf('\n');
        var note = $"Compared by per-checkpoint means (unpaired): {why}.";
        var message = cut < 0 ? verdict.Message + "\n" + note : verdict.Message[..(cut + 1)] + note + verdict.Message[cut..];
        return verdict with { Message = message, UnpairedBecause = why };
    }

    private static double[] SizesOf(Baseline summary, PerExampleBaseline examples) =>
        examples.Checkpoints.Select(name => summary.Checkpoints.Single(c => c.Name == name).Size).ToArray();

    /// <summary>The prompts of the examples a message names, when the task file at hand is the one the run scored.</summary>
    private static Dictionary<int, string> Prompts(GateComparison comparison, PairedComparison paired)
    {
        if (comparison.Task is not { } task || paired.WorstExamples.Count == 0) return [];
        if (!File.Exists(task.DataPath) || FileHash.Sha256(task.DataPath) != comparison.Current.Provenance.TaskDataSha256) return [];
        var wanted = paired.WorstExamples.Select(e => e.Index).ToHashSet();
        return task.ReadExamples()
            .TakeWhile(_ => wanted.Count > 0)
            .Where(e => wanted.Remove(e.Index))
            .ToDictionary(e => e.Index, e => e.Prompt);
    }
}
