using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Randomness;
using static InverseScaling.Benchmark.Tests.Baselines.Paired.PairedStatisticsTests;

namespace InverseScaling.Benchmark.Tests.Baselines.Paired;

public sealed class PairedRuleTests
{
    private const string Sha = PerExampleBaselineFileTests.Sha;

    private static PerExampleBaseline Side(string[] checkpoints, int[] indices, params double[][] values) =>
        PerExampleBaseline.Create("reference", "neqa", MetricNames.Loss, Sha, checkpoints, indices, values);

    [Fact]
    public void One_checkpoint_three_examples_worse_by_hand()
    {
        // d = 0.5, 0.4, 0.9: mean 0.6; deviations −0.1, −0.2, 0.3 → Σ² 0.14, SE √(0.07/3).
        // One comparison (no slope with one checkpoint): each end at 5%, t(0.95, 2) = 0.9 / √0.095 = 2.91999.
        var baseline = Side(["only"], [0, 1, 2], [1, 2, 3]);
        var current = Side(["only"], [0, 1, 2], [1.5, 2.4, 3.9]);

        var result = PairedRule.Compare(baseline, [1e6], current, [1e6], higherIsBetter: false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal((1, 0.9, 3), (result.Comparisons, result.Confidence, result.Examples));
        Assert.Null(result.Slope);
        var only = Assert.Single(result.Checkpoints);
        var half = T2(0.95) * Math.Sqrt(0.07 / 3);
        Assert.Equal(2.919985580353726, T2(0.95), 1e-12);
        Assert.Equal(2, only.BaselineMean, 1e-12);
        Assert.Equal(2.6, only.CurrentMean, 1e-12);
        Assert.Equal(0.6, only.Difference.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(0.07 / 3), only.Difference.StandardError, 1e-12);
        Assert.Equal(0.6 - half, only.Difference.Low, 1e-9);
        Assert.Equal(0.6 + half, only.Difference.High, 1e-9);
        Assert.Equal(Movement.Worse, only.Movement);
        Assert.True(result.Worse);
        Assert.Equal([2, 0, 1], result.WorstExamples.Select(e => e.Index));
        Assert.Equal(new PairedExample(2, "only", 3, 3.9), result.WorstExamples[0]);
    }

    [Fact]
    public void The_same_numbers_for_accuracy_are_better()
    {
        var baseline = Side(["only"], [0, 1, 2], [1, 2, 3]) with { Metric = MetricNames.Accuracy };
        var current = Side(["only"], [0, 1, 2], [1.5, 2.4, 3.9]) with { Metric = MetricNames.Accuracy };

        var result = PairedRule.Compare(baseline, [1e6], current, [1e6], higherIsBetter: true, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Movement.Better, result.Checkpoints[0].Movement);
        Assert.False(result.Worse);
        Assert.True(result.Better);
        Assert.Empty(result.WorstExamples);
    }

    [Fact]
    public void Two_checkpoints_and_the_slope_by_hand()
    {
        // Three comparisons (two checkpoints, the slope): each end at 5%/3, t(59/60, 2) = (58/60) / √(2·59/60·1/60) = 5.3393.
        // 'small' moves by 0.3, 0.5, 0.4: mean 0.4, SE √(0.01/3). Sizes 10 and 1000: x = 1, 3, slope weights ∓½, so the
        // per-example slope changes are ½·(0.3, 0.5, 0.4) = 0.15, 0.25, 0.2: mean 0.2 per decade.
        string[] names = ["tiny", "small"];
        var baseline = Side(names, [4, 5, 6], [1, 2, 3], [2, 2, 2]);
        var current = Side(names, [4, 5, 6], [1, 2, 3], [2.3, 2.5, 2.4]);

        var result = PairedRule.Compare(baseline, [10, 1000], current, [10, 1000], higherIsBetter: false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, result.Comparisons);
        Assert.Equal(1 - 0.1 / 3, result.Confidence, 1e-15);
        Assert.Equal(new PairedEstimate(3, 0, 0, 0, 0), result.Checkpoints[0].Difference);
        Assert.Equal(Movement.Within, result.Checkpoints[0].Movement);

        var small = result.Checkpoints[1];
        var half = T2(59.0 / 60) * Math.Sqrt(0.01 / 3);
        Assert.Equal(5.339333, T2(59.0 / 60), 1e-6);
        Assert.Equal(0.4, small.Difference.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(0.01 / 3), small.Difference.StandardError, 1e-12);
        Assert.Equal(0.4 - half, small.Difference.Low, 1e-9);
        Assert.Equal(0.4 + half, small.Difference.High, 1e-9);
        Assert.Equal(Movement.Worse, small.Movement);

        var slope = result.Slope!;
        Assert.Equal(0, slope.BaselineSlope, 1e-12);
        Assert.Equal(0.2, slope.CurrentSlope, 1e-12);
        Assert.Equal(0.2, slope.Change.Mean, 1e-12);
        Assert.InRange(slope.Change.Low, 0.15 - 1e-12, 0.2);
        Assert.InRange(slope.Change.High, 0.2, 0.25 + 1e-12);
        Assert.Equal(Movement.Worse, slope.Movement);
        Assert.Equal([5, 6, 4], result.WorstExamples.Select(e => e.Index));
        Assert.All(result.WorstExamples, e => Assert.Equal("small", e.Checkpoint));
    }

    [Fact]
    public void One_example_can_conclude_nothing_and_yields_no_NaN()
    {
        string[] names = ["tiny", "small"];
        var result = PairedRule.Compare(Side(names, [0], [1], [2]), [10, 1000], Side(names, [0], [1.5], [2.5]), [10, 1000], false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(result.Worse);
        Assert.False(result.Better);
        Assert.All(result.Checkpoints, c =>
        {
            Assert.Equal(Movement.Within, c.Movement);
            Assert.Equal(0.5, c.Difference.Mean, 1e-12);
            Assert.False(c.Difference.HasInterval);
            Assert.False(double.IsNaN(c.Difference.StandardError) || double.IsNaN(c.Difference.Low) || double.IsNaN(c.Difference.High));
        });
        Assert.Equal(Movement.Within, result.Slope!.Movement);
        Assert.Equal(0, result.Slope.Change.Mean, 1e-12);
        Assert.False(double.IsNaN(result.Slope.Change.Low) || double.IsNaN(result.Slope.Change.High));
    }

    [Fact]
    public void Two_examples_get_the_wide_interval_of_one_degree_of_freedom()
    {
        // d = 0.5, 0.1: mean 0.3, SE 0.2, one comparison: t(0.95, 1) = tan(0.45π) = 6.3138 → [−0.963, 1.563].
        var result = PairedRule.Compare(Side(["only"], [0, 1], [1, 1]), [1e6], Side(["only"], [0, 1], [1.5, 1.1]), [1e6], false, cancellationToken: TestContext.Current.CancellationToken);

        var only = result.Checkpoints[0];
        Assert.Equal(6.313751514675, T1(0.95), 1e-9);
        Assert.Equal(0.3 - T1(0.95) * 0.2, only.Difference.Low, 1e-9);
        Assert.Equal(0.3 + T1(0.95) * 0.2, only.Difference.High, 1e-9);
        Assert.Equal(Movement.Within, only.Movement);
    }

    [Fact]
    public void Pairs_only_the_examples_on_both_sides()
    {
        var baseline = Side(["only"], [0, 1, 2, 3], [1, 2, 3, 4]);
        var limited = Side(["only"], [1, 3, 9], [2.5, 4.5, 7]);

        var result = PairedRule.Compare(baseline, [1e6], limited, [1e6], false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Examples);
        Assert.Equal(0.5, result.Checkpoints[0].Difference.Mean, 1e-12);
        Assert.Equal(0, result.Checkpoints[0].Difference.StandardError);
    }

    [Fact]
    public void Says_why_a_run_cannot_be_paired()
    {
        var baseline = Side(["a", "b"], [0, 1], [1, 2], [3, 4]);

        Assert.Null(PairedRule.WhyNotPaired(baseline, baseline));
        Assert.Contains("primary metric is accuracy", PairedRule.WhyNotPaired(baseline, baseline with { Metric = MetricNames.Accuracy }));
        Assert.Contains("task data changed", PairedRule.WhyNotPaired(baseline, baseline with { TaskDataSha256 = new string('0', 64) }));
        Assert.Contains("checkpoints differ", PairedRule.WhyNotPaired(baseline, Side(["a", "c"], [0, 1], [1, 2], [3, 4])));
        Assert.Contains("checkpoints differ", PairedRule.WhyNotPaired(baseline, Side(["a"], [0, 1], [1, 2])));
        Assert.Contains("no example", PairedRule.WhyNotPaired(baseline, Side(["a", "b"], [5], [1], [3])));
        Assert.Throws<ArgumentException>(() => PairedRule.Compare(baseline, [1, 10], Side(["a", "b"], [5], [1], [3]), [1, 10], false, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void The_bundled_family_compared_with_itself_never_flags()
    {
        foreach (var task in BundledExamples.Load())
        {
            var result = task.CompareWith(task.Examples);

            Assert.False(result.Worse || result.Better, task.Name);
            Assert.All(result.Checkpoints, c => Assert.Equal(new PairedEstimate(task.Examples.Indices.Count, 0, 0, 0, 0), c.Difference));
            Assert.Equal((0.0, 0.0, 0.0), (result.Slope!.Change.Mean, result.Slope.Change.Low, result.Slope.Change.High));
        }
    }

    [Fact]
    public void Jitter_of_two_millionths_never_flags()
    {
        // The largest difference seen between runs of one model (threads, batch shapes) is about 2e-6: as noise on every
        // example, and as a shift of every example one way.
        var random = new SplitMix64(14);
        foreach (var task in BundledExamples.Load())
        {
            double[][] Shifted(Func<double> by) => task.Examples.Values.Select(column => column.Select(v => v + by()).ToArray()).ToArray();
            foreach (var values in new[]
            {
                Shifted(() => ((random.NextUInt64() >> 11) * (1.0 / (1UL << 53)) * 2 - 1) * 2e-6),
                Shifted(() => 2e-6),
                Shifted(() => -2e-6),
            })
            {
                var result = task.CompareWith(task.With(values));
                Assert.False(result.Worse || result.Better, task.Name);
            }
        }
    }

    [Fact]
    public void The_threshold_decides_when_every_example_moves_alike()
    {
        // A shift of every example on the largest checkpoint: the interval is a point, so only the threshold (1e-3) stands
        // between a numerical shift and a red build.
        var task = BundledExamples.Load().First();
        double[][] Shift(double by) => task.Examples.Values.Select((column, j) => column.Select(v => j == 4 ? v + by : v).ToArray()).ToArray();

        Assert.Equal(Movement.Worse, task.CompareWith(task.With(Shift(2e-3))).Checkpoints[4].Movement);
        Assert.Equal(Movement.Better, task.CompareWith(task.With(Shift(-2e-3))).Checkpoints[4].Movement);
        Assert.Equal(Movement.Within, task.CompareWith(task.With(Shift(5e-4))).Checkpoints[4].Movement);
        Assert.Equal(Movement.Worse, task.CompareWith(task.With(Shift(5e-4)), PairedTolerances.Default with { Threshold = 1e-4 }).Checkpoints[4].Movement);
    }

    [Fact]
    public void Replacing_the_largest_checkpoint_by_the_second_largest_flags_the_tasks_where_it_is_worse()
    {
        // Scoring the family with ref-793k's files replaced by ref-336k's gives ref-336k's per-example scores bit for bit, so
        // this substitutes the column. Loss is lower-is-better: on the three inverse-scaling tasks the smaller model is better.
        var worse = new List<string>();
        var better = new List<string>();
        foreach (var task in BundledExamples.Load())
        {
            var values = task.Examples.Values.ToArray();
            values[^1] = values[^2];

            var result = task.CompareWith(task.With(values));

            var last = result.Checkpoints[^1];
            Assert.Equal(values[^2].Average() - task.Examples.Values[^1].Average(), last.Difference.Mean, 1e-12);
            Assert.All(result.Checkpoints.SkipLast(1), c => Assert.Equal(Movement.Within, c.Movement));
            if (result.Worse) worse.Add(task.Name);
            if (result.Better) better.Add(task.Name);
        }

        Assert.Equal(["hindsight-neglect", "into-the-unknown", "prompt-injection", "redefine", "repetitive-algebra", "sig-figs"], worse);
        Assert.Equal(["memo-trap", "modus-tollens", "resisting-correction"], better);
    }
}
