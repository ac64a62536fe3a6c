using System.Globalization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>
/// Settings of the paired rule (<see cref="PairedRule"/>): how large a paired difference must be to matter, and how often
/// per task the rule may cry wolf when nothing changed.
/// </summary>
public sealed record PairedTolerances
{
    /// <summary>
    /// Default practical threshold, in units of the primary metric: 400 times the largest difference measured between runs of
    /// one model (2.46e-6 per example, plain against with-past exports and thread counts), so that rounding on another engine
    /// or machine never flags, and 14 times below the smallest worsening the paired interval detects on the bundled family
    /// (hindsight-neglect, +0.0137 nats when the largest checkpoint is replaced by the second largest). docs/reliability.md
    /// has the measurement.
    /// </summary>
    public const double DefaultThreshold = 1e-3;

    /// <summary>Default share of unchanged tasks the rule may call worse, split evenly over its comparisons.</summary>
    public const double DefaultFalseAlarmRate = 0.05;

    /// <summary>Environment variable overriding <see cref="Threshold"/>, for <c>dotnet test</c>.</summary>
    public const string ThresholdVariable = "INVERSE_SCALING_PAIRED_THRESHOLD";

    public static PairedTolerances Default { get; } = new();

    /// <summary>
    /// A checkpoint is worse only when its mean paired difference is larger than this, in metric units, besides lying
    /// outside its interval. <value>Default 1e-3.</value>
    /// </summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>The slope is worse only when its change is larger than this, per decade of size. <value>Default 0.01, as the tolerance rule's smallest slope tolerance.</value></summary>
    public double SlopeTolerance { get; init; } = GateTolerances.DefaultMinimumSlope;

    /// <summary>
    /// The chance that the rule calls a task worse when nothing changed, at most: split evenly (Bonferroni) over the task's
    /// comparisons, one per checkpoint and one for the slope, each one-sided. <value>Default 0.05.</value>
    /// </summary>
    public double FalseAlarmRate { get; init; } = DefaultFalseAlarmRate;

    /// <summary>Bootstrap resamples of the slope's change. <value>Default 2,000, as the scaling fit.</value></summary>
    public int Resamples { get; init; } = ScalingOptions.DefaultResamples;

    /// <summary>Seed of the slope bootstrap's <see cref="Randomness.SplitMix64"/>. <value>Default 2023, as the scaling fit.</value></summary>
    public int Seed { get; init; } = ScalingOptions.DefaultSeed;

    /// <summary>The defaults with an override of <see cref="Threshold"/> from <see cref="ThresholdVariable"/>.</summary>
    /// <param name="variable">Reads a variable; the process environment when null.</param>
    /// <exception cref="BenchmarkInputException">The variable is set to something other than a finite number zero or more.</exception>
    public static PairedTolerances FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var text = variable(ThresholdVariable);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value))
            return Default with { Threshold = value };
        throw new BenchmarkInputException("environment", $"{ThresholdVariable} is {TextExcerpt.Quote(text)}, not a number zero or more",
            $"set {ThresholdVariable} to a plain number such as 0.001, or unset it for the default", field: ThresholdVariable);
    }

    /// <summary>The one-sided level of each of <paramref name="comparisons"/> comparisons.</summary>
    public double Tail(int comparisons)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(comparisons, 1);
        return FalseAlarmRate / comparisons;
    }

    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public PairedTolerances Validate()
    {
        if (!(Threshold >= 0) || double.IsInfinity(Threshold))
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "the threshold must be a finite number, zero or more");
        if (!(SlopeTolerance >= 0) || double.IsInfinity(SlopeTolerance))
            throw new ArgumentOutOfRangeException(nameof(SlopeTolerance), SlopeTolerance, "the slope tolerance must be a finite number, zero or more");
        if (!(FalseAlarmRate is > 0 and < 0.5))
            throw new ArgumentOutOfRangeException(nameof(FalseAlarmRate), FalseAlarmRate, "the false-alarm rate must lie strictly between 0 and 0.5");
        ArgumentOutOfRangeException.ThrowIfLessThan(Resamples, 1, nameof(Resamples));
        return this;
    }
}
