using System.Globalization;

namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>
/// The paired gate rule: a run is compared with its baseline example by example, so the spread between examples, which is
/// the same on both sides, drops out. Read in the metric's worse direction:
/// <list type="bullet">
/// <item>A checkpoint is worse when the interval of its mean paired difference (new − baseline) lies wholly on the worse side
/// of zero and the difference is larger than <see cref="PairedTolerances.Threshold"/>.</item>
/// <item>The slope is worse when the paired bootstrap interval of its change (the same resampled examples on both sides) lies
/// wholly on the worse side and the change is larger than <see cref="PairedTolerances.SlopeTolerance"/>.</item>
/// <item>Each interval's ends are one-sided bounds at <see cref="PairedTolerances.FalseAlarmRate"/> divided by the number of
/// comparisons, so an unchanged task is called worse at most that often (Bonferroni).</item>
/// </list>
/// Better is the mirror image. Both sides are compared at the baseline's stored precision.
/// </summary>
internal static class PairedRule
{
    /// <summary>How many of the worst examples a comparison names.</summary>
    public const int WorstExampleCount = 5;

    /// <summary>Why the run cannot be paired with the baseline (then the unpaired rule judges it), or null when it can.</summary>
    public static string? WhyNotPaired(PerExampleBaseline baseline, PerExampleBaseline current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        if (baseline.Metric != current.Metric)
            return $"the per-example baseline holds {baseline.Metric}, the run's primary metric is {current.Metric}";
        if (baseline.TaskDataSha256 != current.TaskDataSha256)
            return "the task data changed since the per-example baseline was accepted";
        if (baseline.Checkpoints.Count != current.Checkpoints.Count || baseline.Checkpoints.Any(c => current.Column(c) is null))
            return "the family's checkpoints differ from the per-example baseline's";
        if (CommonRows(baseline.Indices, current.Indices).Baseline.Length == 0)
            return "no example of the run is in the per-example baseline";
        return null;
    }

    /// <summary>
    /// How far a per-example column's mean may lie from the summary's mean of the same checkpoint: 1e-5, five times the
    /// run-to-run noise of single scores and a hundredth of the default threshold. Rounding moves a mean by at most 5e-8.
    /// </summary>
    public const double SummaryTolerance = 1e-5;

    /// <summary>
    /// Why the per-example file does not belong to the summary beside it (another metric, other checkpoints, another count or
    /// means that differ), or null when it does.
    /// </summary>
    public static string? WhyNotMatching(PerExampleBaseline examples, Baseline summary)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(summary);
        if (examples.Metric != summary.PrimaryMetric)
            return $"the per-example file holds {examples.Metric}, the summary's primary metric is {summary.PrimaryMetric}";
        if (examples.Checkpoints.Count != summary.Checkpoints.Count || summary.Checkpoints.Any(c => examples.Column(c.Name) is null))
            return "the per-example file's checkpoints differ from the summary's";
        foreach (var checkpoint in summary.Checkpoints)
        {
            var value = checkpoint.Metrics[summary.PrimaryMetric];
            var column = examples.Column(checkpoint.Name)!;
            if (column.Count != value.Count)
                return $"the per-example file has {column.Count} examples of {checkpoint.Name}, the summary {value.Count}";
            var mean = column.Average();
            if (!(Math.Abs(mean - value.Mean) <= SummaryTolerance))
                return string.Create(CultureInfo.InvariantCulture, $"the per-example mean of {checkpoint.Name} is {mean:R}, the summary's {value.Mean:R}");
        }
        return null;
    }

    /// <summary>Compares the run's per-example values with the baseline's.</summary>
    /// <param name="baselineSizes">Size of each baseline checkpoint, in the order of <c>baseline.Checkpoints</c>.</param>
    /// <param name="currentSizes">Size of each run checkpoint, in the order of <c>current.Checkpoints</c>.</param>
    /// <param name="higherIsBetter">The metric's better direction.</param>
    /// <exception cref="ArgumentException">The two cannot be paired (<see cref="WhyNotPaired"/>), or the sizes do not fit.</exception>
    public static PairedComparison Compare(
        PerExampleBaseline baseline,
        IReadOnlyList<double> baselineSizes,
        PerExampleBaseline current,
        IReadOnlyList<double> currentSizes,
        bool higherIsBetter,
        PairedTolerances? tolerances = null,
        CancellationToken cancellationToken = default)
    {
        tolerances = (tolerances ?? PairedTolerances.Default).Validate();
        if (WhyNotPaired(baseline, current) is { } reason) throw new ArgumentException(reason, nameof(current));
        ArgumentNullException.ThrowIfNull(baselineSizes);
        ArgumentNullException.ThrowIfNull(currentSizes);
        if (baselineSizes.Count != baseline.Checkpoints.Count) throw new ArgumentException("one size per baseline checkpoint", nameof(baselineSizes));
        if (currentSizes.Count != current.Checkpoints.Count) throw new ArgumentException("one size per run checkpoint", nameof(currentSizes));

        var (rowsB, rowsC) = CommonRows(baseline.Indices, current.Indices);
        var n = rowsB.Length;
        var k = baseline.Checkpoints.Count;
        var worse = higherIsBetter ? -1.0 : 1.0;

        // Both sides as [checkpoint][pair], in the baseline's checkpoint order, at the baseline's precision.
        var before = new double[k][];
        var after = new double[k][];
        var sizesAfter = new double[k];
        for (var j = 0; j < k; j++)
        {
            var name = baseline.Checkpoints[j];
            var (b, c) = (baseline.Values[j], current.Column(name)!);
            before[j] = rowsB.Select(r => b[r]).ToArray();
            after[j] = rowsC.Select(r => PerExampleBaseline.Round(c[r], baseline.Decimals)).ToArray();
            sizesAfter[j] = currentSizes[IndexOf(current.Checkpoints, name)];
        }

        var comparisons = k + (k >= 2 ? 1 : 0);
        var tail = tolerances.Tail(comparisons);
        var checkpoints = new PairedCheckpoint[k];
        var differences = new double[n];
        for (var j = 0; j < k; j++)
        {
            for (var i = 0; i < n; i++) differences[i] = after[j][i] - before[j][i];
            var estimate = PairedStatistics.Interval(differences, tail);
            checkpoints[j] = new PairedCheckpoint(baseline.Checkpoints[j], before[j].Average(), after[j].Average(), estimate,
                tolerances.Threshold, Move(estimate, worse, tolerances.Threshold));
        }

        PairedSlope? slope = null;
        if (k >= 2)
        {
            var weightsBefore = PairedStatistics.SlopeWeights(baselineSizes);
            var weightsAfter = PairedStatistics.SlopeWeights(sizesAfter);
            var contributions = new double[n];
            for (var j = 0; j < k; j++)
            {
                var (wb, wa) = (weightsBefore[j], weightsAfter[j]);
                for (var i = 0; i < n; i++)
                    contributions[i] += wb == wa ? wb * (after[j][i] - before[j][i]) : wa * after[j][i] - wb * before[j][i];
            }
            var change = PairedStatistics.BootstrapMean(contributions, tail, tolerances.Resamples, unchecked((ulong)tolerances.Seed), cancellationToken);
            var slopeBefore = Enumerable.Range(0, k).Sum(j => weightsBefore[j] * checkpoints[j].BaselineMean);
            var slopeAfter = Enumerable.Range(0, k).Sum(j => weightsAfter[j] * checkpoints[j].CurrentMean);
            slope = new PairedSlope(slopeBefore, slopeAfter, change, tolerances.SlopeTolerance, Move(change, worse, tolerances.SlopeTolerance));
        }

        var judged = checkpoints.Any(c => c.Movement == Movement.Worse)
            ? Enumerable.Range(0, k).Where(j => checkpoints[j].Movement == Movement.Worse)
            : Enumerable.Range(0, k);
        var worst = WorstExamples(baseline, rowsB, before, after, judged.ToArray(), worse);
        return new PairedComparison(baseline.Metric, higherIsBetter, n, comparisons, PairedStatistics.Confidence(tail),
            checkpoints, slope, worst, tolerances);
    }

    /// <summary>Worse when the interval lies wholly on the worse side of zero and the mean passes the threshold; better mirrored.</summary>
    private static Movement Move(PairedEstimate estimate, double worse, double threshold)
    {
        var (low, high) = worse > 0 ? (estimate.Low, estimate.High) : (-estimate.High, -estimate.Low);
        var worseBy = worse * estimate.Mean;
        if (low > 0 && worseBy > threshold) return Movement.Worse;
        if (high < 0 && -worseBy > threshold) return Movement.Better;
        return Movement.Within;
    }

    /// <summary>Each example's largest worsening over <paramref name="judged"/> checkpoints; the largest few, ties by index.</summary>
    private static PairedExample[] WorstExamples(
        PerExampleBaseline baseline, int[] rows, double[][] before, double[][] after, int[] judged, double worse)
    {
        var picks = new List<(double By, PairedExample Example)>();
        for (var i = 0; i < rows.Length; i++)
        {
            (double By, int Checkpoint)? top = null;
            foreach (var j in judged)
            {
                var by = worse * (after[j][i] - before[j][i]);
                if (by > 0 && (top is null || by > top.Value.By)) top = (by, j);
            }
            if (top is { } t)
                picks.Add((t.By, new PairedExample(baseline.Indices[rows[i]], baseline.Checkpoints[t.Checkpoint], before[t.Checkpoint][i], after[t.Checkpoint][i])));
        }
        return picks
            .OrderByDescending(p => p.By).ThenBy(p => p.Example.Index)
            .Take(WorstExampleCount)
            .Select(p => p.Example)
            .ToArray();
    }

    /// <summary>Rows of the examples present on both sides (both index lists strictly increasing), in index order.</summary>
    private static (int[] Baseline, int[] Current) CommonRows(IReadOnlyList<int> baseline, IReadOnlyList<int> current)
    {
        var (a, b) = (new List<int>(), new List<int>());
        for (int i = 0, j = 0; i < baseline.Count && j < current.Count;)
        {
            if (baseline[i] < current[j]) i++;
            else if (baseline[i] > current[j]) j++;
            else
            {
                a.Add(i++);
                b.Add(j++);
            }
        }
        return (a.ToArray(), b.ToArray());
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        return -1;
    }
}
