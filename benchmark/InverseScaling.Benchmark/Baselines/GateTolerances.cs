using System.Globalization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>How far a run may move from its baseline, in the worse or the better direction, before the gate reacts.</summary>
public sealed record GateTolerances
{
    public const double DefaultMinimumSlope = 0.01;
    public const double DefaultCheckpointStandardErrors = 2.0;
    public const double DefaultMinimumCheckpoint = 1e-6;

    /// <summary>Environment variable overriding <see cref="MinimumSlope"/> (per decade), for <c>dotnet test</c>.</summary>
    public const string SlopeVariable = "INVERSE_SCALING_SLOPE_TOLERANCE";

    /// <summary>Environment variable overriding <see cref="CheckpointStandardErrors"/>, for <c>dotnet test</c>.</summary>
    public const string CheckpointVariable = "INVERSE_SCALING_CHECKPOINT_TOLERANCE";

    public static GateTolerances Default { get; } = new();

    /// <summary>The defaults with any override from <see cref="SlopeVariable"/> and <see cref="CheckpointVariable"/>.</summary>
    /// <param name="variable">Reads a variable; the process environment when null.</param>
    public static GateTolerances FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        return Default.With(Parse(variable(SlopeVariable), SlopeVariable), Parse(variable(CheckpointVariable), CheckpointVariable));
    }

    /// <summary>These tolerances with the given overrides (null keeps the current value).</summary>
    public GateTolerances With(double? minimumSlope, double? checkpointStandardErrors) => (this with
    {
        MinimumSlope = minimumSlope ?? MinimumSlope,
        CheckpointStandardErrors = checkpointStandardErrors ?? CheckpointStandardErrors,
    }).Validate();

    private static double? Parse(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)) return value;
        throw new BenchmarkInputException("environment", $"{name} is {TextExcerpt.Quote(text)}, not a number zero or more",
            $"set {name} to a plain number such as 0.02, or unset it for the default", field: name);
    }

    /// <summary>Smallest slope tolerance, in metric units per decade of size. <value>Default 0.01.</value></summary>
    public double MinimumSlope { get; init; } = DefaultMinimumSlope;

    /// <summary>Widen the slope tolerance to the half-width of the baseline's slope interval when that is larger. <value>Default true.</value></summary>
    public bool WidenSlopeToInterval { get; init; } = true;

    /// <summary>A checkpoint's tolerance in multiples of its baseline standard error. <value>Default 2.</value></summary>
    public double CheckpointStandardErrors { get; init; } = DefaultCheckpointStandardErrors;

    /// <summary>Smallest checkpoint tolerance, so that a zero standard error does not flag rounding. <value>Default 1e-6.</value></summary>
    public double MinimumCheckpoint { get; init; } = DefaultMinimumCheckpoint;

    /// <summary>Tolerance on the primary metric's slope against this baseline fit.</summary>
    public double SlopeTolerance(BaselineFit baseline) =>
        WidenSlopeToInterval ? Math.Max(MinimumSlope, baseline.HalfWidth) : MinimumSlope;

    /// <summary>Tolerance on one checkpoint's mean against its baseline value.</summary>
    public double CheckpointTolerance(MetricValue baseline) =>
        Math.Max(MinimumCheckpoint, CheckpointStandardErrors * baseline.StandardError);

    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative, NaN or infinite.</exception>
    public GateTolerances Validate()
    {
        Require(MinimumSlope, nameof(MinimumSlope));
        Require(CheckpointStandardErrors, nameof(CheckpointStandardErrors));
        Require(MinimumCheckpoint, nameof(MinimumCheckpoint));
        return this;
    }

    private static void Require(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number, zero or more");
    }
}
