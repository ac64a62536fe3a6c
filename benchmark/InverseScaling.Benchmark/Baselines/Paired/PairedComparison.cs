namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>One checkpoint compared example by example: means over the paired examples and the paired difference.</summary>
/// <param name="Difference">Mean of (new − baseline) over the paired examples, with its standard error and interval.</param>
/// <param name="Threshold">The practical threshold the difference had to pass (<see cref="PairedTolerances.Threshold"/>).</param>
public sealed record PairedCheckpoint(
    string Checkpoint,
    double BaselineMean,
    double CurrentMean,
    PairedEstimate Difference,
    double Threshold,
    Movement Movement);

/// <summary>The primary metric's slope compared example by example: the change's paired bootstrap interval.</summary>
/// <param name="Change">Mean of the per-example changes of slope contribution (new − baseline), with the bootstrap interval.</param>
public sealed record PairedSlope(double BaselineSlope, double CurrentSlope, PairedEstimate Change, double Tolerance, Movement Movement);

/// <summary>One example on one checkpoint, in the baseline and in the run.</summary>
public sealed record PairedExample(int Index, string Checkpoint, double Baseline, double Current)
{
    public double Difference => Current - Baseline;
}

/// <summary>
/// The paired rule's result for one task (<see cref="PairedRule.Compare"/>): every checkpoint and the slope compared example by
/// example, at a per-comparison level that keeps the task's false-alarm rate at <see cref="PairedTolerances.FalseAlarmRate"/>.
/// </summary>
/// <param name="Examples">Examples present in both the baseline and the run: the pairs.</param>
/// <param name="Comparisons">Comparisons made (checkpoints, plus one for the slope), over which the false-alarm rate is split.</param>
/// <param name="Confidence">Two-sided confidence of each interval: 1 − 2 × false-alarm rate / comparisons.</param>
/// <param name="Slope">Null with a single checkpoint.</param>
/// <param name="WorstExamples">Up to five examples that got worst, on the checkpoints judged worse (all checkpoints when only the slope is).</param>
public sealed record PairedComparison(
    string Metric,
    bool HigherIsBetter,
    int Examples,
    int Comparisons,
    double Confidence,
    IReadOnlyList<PairedCheckpoint> Checkpoints,
    PairedSlope? Slope,
    IReadOnlyList<PairedExample> WorstExamples,
    PairedTolerances Tolerances)
{
    /// <summary>True when a checkpoint or the slope is worse.</summary>
    public bool Worse => Slope?.Movement == Movement.Worse || Checkpoints.Any(c => c.Movement == Movement.Worse);

    /// <summary>True when a checkpoint or the slope is better.</summary>
    public bool Better => Slope?.Movement == Movement.Better || Checkpoints.Any(c => c.Movement == Movement.Better);
}
