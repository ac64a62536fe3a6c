namespace InverseScaling.Benchmark.Scaling;

/// <summary>Settings of <see cref="ScalingFitter"/>: the bootstrap and the depth a U or inverted-U must have.</summary>
public sealed record ScalingOptions
{
    public const int DefaultResamples = 2000;
    public const int DefaultSeed = 2023;
    public const double DefaultConfidence = 0.95;
    public const double DefaultShapeStandardErrors = 2.0;
    public const double DefaultMinimumShapeDepth = 1e-6;

    public static ScalingOptions Default { get; } = new();

    /// <summary>Bootstrap resamples of the examples. <value>Default 2,000.</value></summary>
    public int Resamples { get; init; } = DefaultResamples;

    /// <summary>Seed of the bootstrap's generator; the same seed and inputs give bit-identical intervals. <value>Default 2023.</value></summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Coverage of the percentile interval of the slope. <value>Default 0.95.</value></summary>
    public double Confidence { get; init; } = DefaultConfidence;

    /// <summary>A U or inverted-U must be deeper than this many times the largest per-checkpoint standard error. <value>Default 2.</value></summary>
    public double ShapeStandardErrors { get; init; } = DefaultShapeStandardErrors;

    /// <summary>Floor of that depth, so that noise-free data does not turn rounding error into a shape. <value>Default 1e-6.</value></summary>
    public double MinimumShapeDepth { get; init; } = DefaultMinimumShapeDepth;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Resamples, 1, nameof(Resamples));
        if (!(Confidence is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "the confidence must lie strictly between 0 and 1");
        if (!(ShapeStandardErrors >= 0) || double.IsInfinity(ShapeStandardErrors))
            throw new ArgumentOutOfRangeException(nameof(ShapeStandardErrors), ShapeStandardErrors, "must be finite and not negative");
        if (!(MinimumShapeDepth >= 0) || double.IsInfinity(MinimumShapeDepth))
            throw new ArgumentOutOfRangeException(nameof(MinimumShapeDepth), MinimumShapeDepth, "must be finite and not negative");
    }
}
