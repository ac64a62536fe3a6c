using System.Text.Json;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Randomness;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Snapshots;

namespace InverseScaling.Benchmark.Tests.Baselines.Paired;

/// <summary>
/// The paired rule behind the gate (<see cref="PairedGateComparer"/> through <see cref="GateRun"/>), on a hand-made task of
/// 40 examples scored on three checkpoints: which rule judges, which files a run leaves, and what accept takes.
/// </summary>
public sealed class PairedGateTests
{
    private const string Family = "fam";
    private const string Task = "pairy";
    private const int Examples = 40;
    private static readonly (string Name, double Size)[] Checkpoints = [("a", 1e4), ("b", 1e5), ("c", 1e6)];

    private readonly string _root = TestPaths.NewTempDirectory();
    private readonly BenchmarkTask _task;
    private readonly BaselineStore _store;

    public PairedGateTests()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "tasks", Task)).FullName;
        File.WriteAllText(Path.Combine(folder, "task.json"), $$"""
            { "schemaVersion": 1, "name": "{{Task}}", "format": "classification", "data": "{{Task}}.jsonl",
              "primaryMetric": "loss", "metrics": ["accuracy", "loss", "total_logprob"], "shots": 0 }
            """);
        File.WriteAllLines(Path.Combine(folder, $"{Task}.jsonl"), Enumerable.Range(0, Examples).Select(i => JsonSerializer.Serialize(new
        {
            prompt = $"Question {i}: which is the odd one out of the {i} listed here?\nAnswer:",
            classes = new[] { " A", " B" },
            answer_index = 0,
        })));
        _task = TaskCatalog.Load(folder);
        _store = new BaselineStore(Path.Combine(_root, "baselines"));
    }

    /// <summary>Losses between 0.3 and 1.5 that fall with size, the same seeded draw for every run.</summary>
    private static double[][] Losses()
    {
        var random = new SplitMix64(5);
        var start = Enumerable.Range(0, Examples).Select(_ => 0.3 + 1.2 * (random.NextUInt64() >> 11) / (double)(1UL << 53)).ToArray();
        return Checkpoints.Select((_, j) => start.Select(v => v - 0.05 * j).ToArray()).ToArray();
    }

    private TaskResult Result(double[][] losses, string? dataSha256 = null)
    {
        var results = Checkpoints.Select((c, j) =>
        {
            var scores = losses[j].Select((loss, i) => new ExampleScore(i, loss, loss < Math.Log(2), 0, -1.0, [-1 - loss, -1.0])).ToList();
            return new CheckpointTaskResult(c.Name, c.Size, scores,
                new CheckpointMetrics(c.Name, c.Size, MetricAggregation.Aggregate(TaskFormat.Classification, scores)), EncodingStats.Empty);
        }).ToList();
        var fit = FamilyEvaluator.Fit(_task, results, ScalingOptions.Default, TestContext.Current.CancellationToken);
        return new TaskResult(_task.Definition, dataSha256 ?? FileHash.Sha256(_task.DataPath), fit, null);
    }

    private static Baseline Summary(TaskResult result) => Baseline.Create(Family, Task, MetricNames.Loss, SizeMeasure.NonEmbeddingParameters,
        result.Task.Checkpoints.Select(c => c.Metrics).ToList(),
        Checkpoints.ToDictionary(c => c.Name, c => new string('a', 64)),
        result.Task.Fits.Values,
        BaselineProvenance.Create(SuiteInfo.Version, result.DataSha256, new Dictionary<string, string>(), ScalingOptions.Default, new Dictionary<string, string>()));

    private GateVerdict Gate(TaskResult result) => GateRun.Check(new GateSettings(_store), Summary(result), result);

    /// <summary>A baseline accepted from the first run, with its per-example file.</summary>
    private TaskResult Accepted()
    {
        var result = Result(Losses());
        Assert.Equal(GateOutcome.NoBaseline, Gate(result).Outcome);
        Assert.True(File.Exists(_store.ReceivedExamplesPath(Family, Task)));
        _store.Accept(Family, Task);
        Assert.True(File.Exists(_store.VerifiedExamplesPath(Family, Task)));
        return result;
    }

    [Fact]
    public void The_same_result_passes_example_by_example_and_leaves_no_received_file()
    {
        var result = Accepted();

        var verdict = Gate(result);

        Assert.Equal((GateOutcome.Pass, GateMethod.Paired, null), (verdict.Outcome, verdict.Method, verdict.UnpairedBecause));
        Assert.All(verdict.Paired!.Checkpoints, c => Assert.Equal(new PairedEstimate(Examples, 0, 0, 0, 0), c.Difference));
        Assert.Empty(_store.ListReceived());
    }

    [Fact]
    public void A_baseline_without_per_example_values_is_compared_unpaired_and_accept_adds_them_leaving_the_summary_as_it_was()
    {
        var result = Accepted();
        File.Delete(_store.VerifiedExamplesPath(Family, Task));
        var summaryBytes = File.ReadAllBytes(_store.VerifiedPath(Family, Task));

        var verdict = Gate(result);

        Assert.Equal((GateOutcome.Pass, GateMethod.Unpaired), (verdict.Outcome, verdict.Method));
        Assert.StartsWith("the baseline has no per-example file (pairy.verified.per-example.tsv)", verdict.UnpairedBecause);
        Assert.Equal("Compared by per-checkpoint means (unpaired): " + verdict.UnpairedBecause + ".", verdict.Message.Split('\n')[1]);
        Assert.False(File.Exists(_store.ReceivedPath(Family, Task)));
        Assert.True(File.Exists(_store.ReceivedExamplesPath(Family, Task)));
        Assert.Equal([new BaselineKey(Family, Task)], _store.ListReceived());

        _store.Accept(Family, Task);

        Assert.Equal(summaryBytes, File.ReadAllBytes(_store.VerifiedPath(Family, Task)));
        Assert.Equal(GateMethod.Paired, Gate(result).Method);
    }

    [Fact]
    public void A_worse_largest_checkpoint_is_regressed_and_both_received_files_are_written()
    {
        Accepted();
        var losses = Losses();
        var random = new SplitMix64(6);
        for (var i = 0; i < Examples; i++) losses[2][i] += 0.05 + 0.04 * ((random.NextUInt64() >> 11) / (double)(1UL << 53) - 0.5);
        losses[2][17] += 0.5;
        var result = Result(losses);

        var verdict = Gate(result);

        Assert.Equal((GateOutcome.Regressed, GateMethod.Paired), (verdict.Outcome, verdict.Method));
        Assert.Equal([Movement.Within, Movement.Within, Movement.Worse], verdict.Checkpoints.Select(c => c.Movement));
        Assert.Equal(17, verdict.Paired!.WorstExamples[0].Index);
        Assert.True(File.Exists(_store.ReceivedPath(Family, Task)));
        Assert.True(File.Exists(_store.ReceivedExamplesPath(Family, Task)));

        // With the task at hand, the message quotes the end of each worst example's prompt.
        var comparison = new GateComparison(_store.TryReadVerified(Family, Task), Summary(result), result)
        {
            VerifiedExamples = _store.TryReadVerifiedExamples(Family, Task),
            Task = _task,
        };
        var message = new PairedGateComparer(GateTolerances.Default, PairedTolerances.Default).Compare(comparison).Message;
        Assert.Contains("  #17 on c: ", message);
        Assert.Contains("\"… 17: which is the odd one out of the 17 listed here?\\nAnswer:\"", message);
        Snapshot.Verify(message, "regressed");
    }

    [Fact]
    public void Other_task_data_or_a_per_example_file_that_is_not_the_summary_s_falls_back_to_the_unpaired_rule()
    {
        var result = Accepted();

        var changed = Gate(Result(Losses(), dataSha256: new string('0', 64)));
        Assert.Equal("the task data changed since the per-example baseline was accepted", changed.UnpairedBecause);

        var stale = _store.TryReadVerifiedExamples(Family, Task)!;
        var shifted = stale.Values.Select((column, j) => (IReadOnlyList<double>)column.Select(v => j == 1 ? v + 0.01 : v).ToArray()).ToArray();
        PerExampleBaselineFile.Write(_store.VerifiedExamplesPath(Family, Task), stale with { Values = shifted });
        var mismatched = Gate(result);
        Assert.Equal(GateMethod.Unpaired, mismatched.Method);
        Assert.StartsWith("the per-example mean of b is ", mismatched.UnpairedBecause);
    }

    [Fact]
    public void Accept_refuses_a_per_example_file_without_a_summary_and_reads_it_before_moving_it()
    {
        var result = Result(Losses());
        _store.WriteReceivedExamples(RunBaselines.ToPerExample(result, Family));
        var error = Assert.Throws<BenchmarkInputException>(() => _store.Accept(Family, Task));
        Assert.Contains("no baseline summary beside it", error.Message);

        File.WriteAllText(_store.ReceivedExamplesPath(Family, Task), "not a table\n");
        Assert.Throws<BenchmarkInputException>(() => _store.Accept(Family, Task));
    }

    [Fact]
    public void The_threshold_comes_from_the_environment_or_refuses_a_bad_value()
    {
        Assert.Equal(0.002, PairedTolerances.FromEnvironment(name => name == PairedTolerances.ThresholdVariable ? "0.002" : null).Threshold);
        Assert.Equal(PairedTolerances.DefaultThreshold, PairedTolerances.FromEnvironment(_ => null).Threshold);
        var error = Assert.Throws<BenchmarkInputException>(() => PairedTolerances.FromEnvironment(_ => "-1"));
        Assert.Equal(PairedTolerances.ThresholdVariable, error.Field);
    }
}
