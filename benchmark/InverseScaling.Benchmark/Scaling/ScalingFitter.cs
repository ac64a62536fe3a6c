using InverseScaling.Benchmark.Randomness;
using System.Globalization;
using InverseScaling.Benchmark.Formats;
using MathNet.Numerics;
using MathNet.Numerics.Statistics;

namespace InverseScaling.Benchmark.Scaling;

/// <summary>
/// Fits a metric's per-checkpoint mean against log10 of model size, with a seeded paired bootstrap interval
/// for the slope and a <see cref="Trend"/> label (the rule is <see cref="TrendRule"/>, also in Scaling/TRENDS.md).
/// </summary>
internal static class ScalingFitter
{
    /// <summary>
    /// Fits one metric of one task on one family.
    /// </summary>
    /// <param name="metric">Metric name; its entry in <see cref="MetricCatalog"/> decides which direction is better.</param>
    /// <param name="sizes">Per-checkpoint size (non-embedding parameters, training FLOPs…), any order; positive and distinct.</param>
    /// <param name="values">Per-example values, <c>values[checkpoint][example]</c>, examples aligned across checkpoints.</param>
    /// <param name="chance">Uniform-chance value of the metric, passed through to <see cref="ScalingFit.Chance"/>.</param>
    /// <exception cref="ArgumentException">Fewer than two checkpoints, misaligned or non-finite values, bad or repeated sizes.</exception>
    public static ScalingFit Fit(
        string metric,
        IReadOnlyList<double> sizes,
        IReadOnlyList<IReadOnlyList<double>> values,
        double? chance = null,
        ScalingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        options ??= ScalingOptions.Default;
        options.Validate();
        Validate(sizes, values);

        var order = Enumerable.Range(0, sizes.Count).OrderBy(j => sizes[j]).ToArray();
        var x = order.Select(j => Math.Log10(sizes[j])).ToArray();
        var rows = order.Select(j => values[j]).ToArray();
        var means = new double[rows.Length];
        var errors = new double[rows.Length];
        for (var j = 0; j < rows.Length; j++)
            (means[j], errors[j]) = MeanAndStandardError(rows[j]);

        var (intercept, slope) = MathNet.Numerics.Fit.Line(x, means);
        var rSquared = RSquared(x, means, intercept, slope);
        var (low, high) = BootstrapSlopeInterval(x, rows, options, cancellationToken);
        var trend = TrendRule.Classify(x, means, errors, low, high, MetricCatalog.Get(metric).HigherIsBetter, options);
        return new ScalingFit(metric, slope, intercept, low, high, rSquared, rows.Length, trend, chance);
    }

    /// <summary>Mean and standard error (sample standard deviation / √n; 0 for a single example).</summary>
    internal static (double Mean, double StandardError) MeanAndStandardError(IReadOnlyList<double> row)
    {
        var n = row.Count;
        var sum = 0.0;
        for (var i = 0; i < n; i++) sum += row[i];
        var mean = sum / n;
        if (n < 2) return (mean, 0);
        var squares = 0.0;
        for (var i = 0; i < n; i++)
        {
            var d = row[i] - mean;
            squares += d * d;
        }
        return (mean, Math.Sqrt(squares / (n - 1) / n));
    }

    /// <summary>
    /// Percentile interval of the slope over resamples of the examples, the same indices for every checkpoint.
    /// The slope is linear in the means, Σ_k w_k·mean_k with w_k = (x_k − x̄)/Sxx, so a resample's slope equals the mean of
    /// the per-example contributions z_i = Σ_k w_k·(v_ki − v_0i) over its indices (Σ w_k = 0 lets v_0i drop out, and
    /// subtracting it keeps examples that are equal on every checkpoint at exactly zero): O(examples) per resample.
    /// </summary>
    internal static (double Low, double High) BootstrapSlopeInterval(
        IReadOnlyList<double> x, IReadOnlyList<IReadOnlyList<double>> rows, ScalingOptions options, CancellationToken cancellationToken)
    {
        var k = x.Count;
        var n = rows[0].Count;
        var xMean = x.Average();
        var sxx = 0.0;
        for (var j = 0; j < k; j++) sxx += (x[j] - xMean) * (x[j] - xMean);

        var contributions = new double[n];
        for (var j = 1; j < k; j++)
        {
            var w = (x[j] - xMean) / sxx;
            IReadOnlyList<double> row = rows[j], first = rows[0];
            for (var i = 0; i < n; i++) contributions[i] += w * (row[i] - first[i]);
        }

        var slopes = new double[options.Resamples];
        var random = new SplitMix64(unchecked((ulong)options.Seed));
        for (var r = 0; r < slopes.Length; r++)
        {
            if ((r & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            var sum = 0.0;
            for (var i = 0; i < n; i++) sum += contributions[random.NextIndex(n)];
            slopes[r] = sum / n;
        }

        Array.Sort(slopes);
        var tail = (1 - options.Confidence) / 2;
        return (SortedArrayStatistics.QuantileCustom(slopes, tail, QuantileDefinition.R7),
                SortedArrayStatistics.QuantileCustom(slopes, 1 - tail, QuantileDefinition.R7));
    }

    /// <summary>Coefficient of determination; 1 when the means are all equal (a flat line fits them exactly).</summary>
    private static double RSquared(double[] x, double[] y, double intercept, double slope)
    {
        var yMean = y.Average();
        if (y.All(v => v == yMean)) return 1;
        return GoodnessOfFit.CoefficientOfDetermination(x.Select(v => intercept + slope * v), y);
    }

    private static void Validate(IReadOnlyList<double> sizes, IReadOnlyList<IReadOnlyList<double>> values)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(values);
        if (sizes.Count < 2)
            throw new ArgumentException(
                $"a scaling fit needs at least two checkpoints of different sizes, got {sizes.Count}; add checkpoints to the family", nameof(sizes));
        if (values.Count != sizes.Count)
            throw new ArgumentException($"{sizes.Count} sizes but {values.Count} rows of values; pass one row per checkpoint", nameof(values));

        for (var j = 0; j < sizes.Count; j++)
        {
            if (!(sizes[j] > 0) || double.IsInfinity(sizes[j]))
                throw new ArgumentException($"checkpoint {j} has size {Show(sizes[j])}; sizes must be positive and finite", nameof(sizes));
            for (var other = 0; other < j; other++)
            {
                if (sizes[other] == sizes[j])
                    throw new ArgumentException($"checkpoints {other} and {j} have the same size {Show(sizes[j])}; each size may appear once", nameof(sizes));
            }
        }

        var n = values[0]?.Count ?? 0;
        if (n == 0) throw new ArgumentException("checkpoint 0 has no examples", nameof(values));
        for (var j = 0; j < values.Count; j++)
        {
            var row = values[j] ?? throw new ArgumentException($"checkpoint {j} has no row of values", nameof(values));
            if (row.Count != n)
                throw new ArgumentException(
                    $"examples are not aligned: checkpoint 0 has {n} values, checkpoint {j} has {row.Count}; score the same examples on every checkpoint", nameof(values));
            for (var i = 0; i < n; i++)
            {
                if (!double.IsFinite(row[i]))
                    throw new ArgumentException($"checkpoint {j}, example {i} has value {Show(row[i])}; values must be finite", nameof(values));
            }
        }
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
