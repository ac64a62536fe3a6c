using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// Per-example results do not depend on how the work is run: repeated runs, ONNX Runtime's intra-op thread count and the
/// scorer's batch size change no score by more than 1e-6; the bootstrap interval is bit-identical for a seed.
/// Scored on the smallest reference checkpoint, on the first examples of a few tasks of every request shape.
/// </summary>
public sealed class DeterminismTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;
    /// <summary>
    /// Short two-class prompts (16 examples: one batch of 16 shared-context sequences), multi-token completions
    /// (sequence_prob) and long few-shot prompts, with how many examples of each are scored.
    /// </summary>
    private static readonly (string Name, int Examples)[] Tasks = [("neqa", 16), ("prompt-injection", 8), ("hindsight-neglect", 4)];

    [Fact]
    public void Repeated_runs_give_the_same_scores()
    {
        var first = Score(EvaluationOptions.Default with { IntraOpThreads = 1 });
        var second = Score(EvaluationOptions.Default with { IntraOpThreads = 1 });

        AssertClose(first.Scores, second.Scores, "repeated run");
    }

    [Fact]
    public void One_and_two_intra_op_threads_give_the_same_scores()
    {
        var one = Score(EvaluationOptions.Default with { IntraOpThreads = 1 });
        var two = Score(EvaluationOptions.Default with { IntraOpThreads = 2 });

        AssertClose(one.Scores, two.Scores, "threads 1 vs 2");
    }

    [Fact]
    public void Batches_of_one_and_of_sixteen_sequences_give_the_same_scores()
    {
        // A budget of one token puts every sequence in a batch of its own; sixteen rows of the longest context always fit the other.
        // Whole sequences (no key/value cache) so that every sequence is one row; the engine's default is checked against both.
        var single = Score(EvaluationOptions.Default with { IntraOpThreads = 1, Scorer = new LoglikelihoodScorerOptions(TokenBudget: 1, UseKeyValueCache: false) });
        var sixteen = Score(EvaluationOptions.Default with { IntraOpThreads = 1, Scorer = new LoglikelihoodScorerOptions(TokenBudget: 16 * 4096, MaxBatchRows: 16, UseKeyValueCache: false) });
        var engine = Score(EvaluationOptions.Default);

        for (var t = 0; t < Tasks.Length; t++)
        {
            var (sequences, batches) = (single.Work[t].Sequences, single.Work[t].Batches);
            Assert.Equal(sequences, batches);
            Assert.Equal(sequences, sixteen.Work[t].Sequences);
            Assert.Equal((sequences + 15) / 16, sixteen.Work[t].Batches);
        }
        Assert.Contains(sixteen.Work, w => w.Sequences >= 16);
        AssertClose(single.Scores, sixteen.Scores, "batch 1 vs 16");
        AssertClose(single.Scores, engine.Scores, "batch 1 vs the engine's default (key/value cache, workers)");
    }

    [Fact]
    public void The_bootstrap_interval_is_identical_for_a_seed_and_moves_with_it()
    {
        var (family, smallest) = SmallestReferenceCheckpoint.Load();
        var next = family.Checkpoints.OrderBy(c => c.Manifest.NonEmbeddingParameters).Skip(1).FirstOrDefault();
        if (next is null) Assert.Skip("the reference family has one checkpoint");
        var task = Task("neqa");
        var options = EvaluationOptions.Default with { IntraOpThreads = 1 };
        var results = new[] { smallest, next }.Select(c =>
        {
            using var runner = CheckpointRunner.Create(family, c, options);
            return runner.Score(task.Format, task.ReadExamples(TestContext.Current.CancellationToken).Take(64), null, TestContext.Current.CancellationToken);
        }).ToList();

        var fit = FamilyEvaluator.Fit(task, results, ScalingOptions.Default, TestContext.Current.CancellationToken);
        var again = FamilyEvaluator.Fit(task, results, ScalingOptions.Default, TestContext.Current.CancellationToken);
        var otherSeed = FamilyEvaluator.Fit(task, results, ScalingOptions.Default with { Seed = ScalingOptions.DefaultSeed + 1 }, TestContext.Current.CancellationToken);

        foreach (var (metric, value) in fit.Fits)
        {
            Assert.Equal(value, again.Fits[metric]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value.SlopeLow), BitConverter.DoubleToInt64Bits(again.Fits[metric].SlopeLow));
            Assert.Equal(BitConverter.DoubleToInt64Bits(value.SlopeHigh), BitConverter.DoubleToInt64Bits(again.Fits[metric].SlopeHigh));
        }
        var loss = MetricNames.Loss;
        Assert.NotEqual((fit.Fits[loss].SlopeLow, fit.Fits[loss].SlopeHigh), (otherSeed.Fits[loss].SlopeLow, otherSeed.Fits[loss].SlopeHigh));
        Assert.Equal(fit.Fits[loss].Slope, otherSeed.Fits[loss].Slope);
    }

    /// <summary>Scores per task, and the sequences and batches the scorer ran for each.</summary>
    private sealed record Run(IReadOnlyList<IReadOnlyList<ExampleScore>> Scores, IReadOnlyList<(long Sequences, long Batches)> Work);

    /// <summary>The first examples of each task on a fresh runner of the smallest checkpoint.</summary>
    private static Run Score(EvaluationOptions options)
    {
        var (family, smallest) = SmallestReferenceCheckpoint.Load();
        using var runner = CheckpointRunner.Create(family, smallest, options);
        var scores = new List<IReadOnlyList<ExampleScore>>();
        var work = new List<(long, long)>();
        foreach (var (name, examples) in Tasks)
        {
            var task = Task(name);
            var before = runner.Statistics;
            scores.Add(runner.Score(task.Format, task.ReadExamples(TestContext.Current.CancellationToken).Take(examples), null, TestContext.Current.CancellationToken).Examples);
            work.Add((runner.Statistics.Sequences - before.Sequences, runner.Statistics.Batches - before.Batches));
        }
        return new Run(scores, work);
    }

    private static BenchmarkTask Task(string name) => TaskCatalog.Load(Path.Combine(TestPaths.Tasks, name));

    private void AssertClose(IReadOnlyList<IReadOnlyList<ExampleScore>> expected, IReadOnlyList<IReadOnlyList<ExampleScore>> actual, string what)
    {
        var largest = 0.0;
        for (var t = 0; t < expected.Count; t++)
        {
            Assert.Equal(expected[t].Count, actual[t].Count);
            for (var i = 0; i < expected[t].Count; i++)
            {
                var (e, a) = (expected[t][i], actual[t][i]);
                var where = $"{Tasks[t].Name} example {i}";
                Assert.True(e.Index == a.Index && e.Correct == a.Correct && e.Predicted == a.Predicted, where);
                Assert.Equal(e.ClassLogProbabilities.Count, a.ClassLogProbabilities.Count);
                IEnumerable<(double, double)> values = [(e.Loss, a.Loss), (e.TotalLogProbability ?? 0, a.TotalLogProbability ?? 0), .. e.ClassLogProbabilities.Zip(a.ClassLogProbabilities)];
                foreach (var (x, y) in values)
                {
                    largest = Math.Max(largest, Math.Abs(x - y));
                    Assert.True(Math.Abs(x - y) <= Tolerance, $"{what}: {where} differs by {Math.Abs(x - y):E2} ({x} vs {y})");
                }
            }
        }
        output.WriteLine($"{what}: largest difference {largest:E2} over {expected.Sum(s => s.Count)} examples");
    }
}
