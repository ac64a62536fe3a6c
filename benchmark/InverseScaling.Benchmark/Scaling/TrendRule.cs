using MathNet.Numerics;

namespace InverseScaling.Benchmark.Scaling;

/// <summary>
/// The rule behind <see cref="ScalingFit.Trend"/> (also in Scaling/TRENDS.md). Let g be the metric read so that higher is
/// better (the loss negated), x = log10(size), checkpoints sorted by size x_1 &lt; … &lt; x_k, [lo, hi] the bootstrap
/// interval of g's slope, and τ = max(<see cref="ScalingOptions.ShapeStandardErrors"/> × the largest per-checkpoint
/// standard error, <see cref="ScalingOptions.MinimumShapeDepth"/>).
/// <list type="number">
/// <item>Shape, only with k ≥ 4: fit g ≈ a + b·x + c·x² by least squares. If its vertex lies in [x_2, x_{k−1}] and the
/// fitted value there is more than τ from the fitted values at both x_1 and x_k, and the checkpoint means agree (the
/// lowest interior mean is more than τ below both end means for c &gt; 0, the highest is more than τ above both for
/// c &lt; 0), the trend is <see cref="Trend.UShaped"/> (c &gt; 0, worse then better) or <see cref="Trend.InvertedU"/>
/// (c &lt; 0, better then worse).</item>
/// <item>Otherwise <see cref="Trend.Inverse"/> when hi &lt; 0, <see cref="Trend.Positive"/> when lo &gt; 0, else
/// <see cref="Trend.Flat"/>.</item>
/// </list>
/// </summary>
internal static class TrendRule
{
    public const int MinimumCheckpointsForShape = 4;

    /// <param name="x">log10 sizes, ascending.</param>
    /// <param name="means">Per-checkpoint means of the metric as measured.</param>
    /// <param name="errors">Per-checkpoint standard errors.</param>
    /// <param name="slopeLow">Low end of the measured metric's slope interval.</param>
    /// <param name="slopeHigh">High end of the measured metric's slope interval.</param>
    public static Trend Classify(
        IReadOnlyList<double> x, IReadOnlyList<double> means, IReadOnlyList<double> errors,
        double slopeLow, double slopeHigh, bool higherIsBetter, ScalingOptions options)
    {
        var sign = higherIsBetter ? 1.0 : -1.0;
        var g = means.Select(m => sign * m).ToArray();
        var (lo, hi) = higherIsBetter ? (slopeLow, slopeHigh) : (-slopeHigh, -slopeLow);

        var depth = Math.Max(options.ShapeStandardErrors * errors.Max(), options.MinimumShapeDepth);
        if (Shape(x, g, depth) is { } shape) return shape;
        if (hi < 0) return Trend.Inverse;
        if (lo > 0) return Trend.Positive;
        return Trend.Flat;
    }

    private static Trend? Shape(IReadOnlyList<double> x, double[] g, double depth)
    {
        var k = x.Count;
        if (k < MinimumCheckpointsForShape) return null;

        // Centre x so the quadratic's design matrix stays well conditioned; the vertex is shifted back below.
        var centre = x.Average();
        var centred = x.Select(v => v - centre).ToArray();
        var p = MathNet.Numerics.Fit.Polynomial(centred, g, 2);
        var (b, c) = (p[1], p[2]);
        if (c == 0) return null;

        var vertex = -b / (2 * c);
        if (vertex < centred[1] || vertex > centred[k - 2]) return null;

        double Fitted(double t) => p[0] + b * t + c * t * t;
        var atVertex = Fitted(vertex);
        if (Math.Abs(atVertex - Fitted(centred[0])) <= depth || Math.Abs(atVertex - Fitted(centred[k - 1])) <= depth) return null;

        var interior = g[1..^1];
        if (c > 0)
            return interior.Min() < Math.Min(g[0], g[^1]) - depth ? Trend.UShaped : null;
        return interior.Max() > Math.Max(g[0], g[^1]) + depth ? Trend.InvertedU : null;
    }
}

/// <summary>The names trends are written under in baselines, messages and reports.</summary>
public static class TrendNames
{
    public static string ToName(this Trend trend) => trend switch
    {
        Trend.Inverse => "inverse",
        Trend.Positive => "positive",
        Trend.Flat => "flat",
        Trend.UShaped => "u-shaped",
        Trend.InvertedU => "inverted-u",
        _ => throw new ArgumentOutOfRangeException(nameof(trend), trend, null),
    };
}
