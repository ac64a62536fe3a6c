using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using Microsoft.ML.OnnxRuntime;

namespace InverseScaling.Benchmark.Tests.Performance;

public sealed class PerformanceTests
{
    [Fact]
    public void The_peak_graph_multiplies_matrices()
    {
        // b = [[1, 2, 3], [4, 5, 6]] (2×3); a = [[1, 0], [0.5, -1]] → a·b = [[1, 2, 3], [−3.5, −4, −4.5]].
        using var session = new InferenceSession(MatMulPeak.MatMulModel(2, 3, [1, 2, 3, 4, 5, 6]));
        using var a = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 0, 0.5f, -1 }, [2, 2]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["a"], [a], ["c"]);

        Assert.Equal([1f, 2, 3, -3.5f, -4, -4.5f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void The_peak_is_timed_per_shape()
    {
        var rates = MatMulPeak.Measure(1, TimeSpan.Zero, [(64, 32, 16)], TestContext.Current.CancellationToken);

        var rate = Assert.Single(rates);
        Assert.Equal(2.0 * 64 * 32 * 16, rate.Flops);
        Assert.True(rate.Runs >= 3);
        Assert.Equal(rate.Flops / rate.Best.TotalSeconds / 1e9, rate.GigaflopsPerSecond, 1e-9);
        Assert.Equal("one call on 1 thread", rate.Describe());
    }

    [Fact]
    public void With_two_threads_the_peak_also_times_two_single_threaded_calls_at_once()
    {
        var rates = MatMulPeak.Measure(2, TimeSpan.Zero, [(64, 32, 16)], TestContext.Current.CancellationToken);

        Assert.Equal(["one call on 2 threads", "2 single-threaded calls at once"], rates.Select(r => r.Describe()));
        Assert.Equal(2 * 2.0 * 64 * 32 * 16, rates[1].Flops); // both calls' products over the slower one's best time
    }

    [Fact]
    public void Forward_flops_count_blocks_output_projection_and_attention_pairs()
    {
        // ref-793k: 1,448,704 parameters, 793,344 non-embedding, V 4096, context 1024 → d = 655,360 / 5,120 = 128.
        var manifest = new CheckpointManifest("ref-793k", 793_344, 1_448_704, null, null, null, 1024, new BosSpec(BosSpec.None, null),
            new CheckpointFiles(new FileRef("m.onnx", null)));
        var flops = ForwardFlops.ForGpt2Style(manifest, 4096, new KeyValueShape(4, 4, 32));
        var stats = ScoringStatistics.Empty with { Tokens = 10, LogitPositions = 3, AttentionPairs = 55 };

        Assert.Equal(128, flops.Width);
        // 2·793,344·10 + 2·128·4096·3 + 4·4·128·55
        Assert.Equal(15_866_880.0 + 3_145_728 + 112_640, flops.Of(stats));
        Assert.Equal(15_866_880.0 + 3_145_728, (flops with { Attention = null }).Of(stats));
        Assert.Equal(128, ForwardFlops.ForGpt2Style(manifest, 4096, null).Width);
    }

    [Fact]
    public void The_minimum_counts_each_distinct_context_once_and_every_continuation()
    {
        TokenizedRequest[] requests = [new([1, 2, 3], [4]), new([1, 2, 3], [5, 6]), new([9], [4]), new([1, 2], [3])];

        Assert.Equal(3 + 1 + 2 + 1 + 1 + 2 + 1, AlgorithmComparison.MinimumTokens(requests));
    }

    [Fact]
    public void Scored_positions_count_each_distinct_prefix_read_once()
    {
        TokenizedRequest[] requests = [new([1, 2, 3], [4]), new([1, 2, 3], [5, 6]), new([9], [4]), new([1, 2], [3]), new([1, 2], [3, 5])];

        // Read after 1,2,3 (requests 0 and 1, and 4's second token: the same sequence), after 1,2,3,5 (1's second), after 9 (2),
        // after 1,2 (3 and 4): 4 positions, against 8 continuation tokens.
        Assert.Equal(4, AlgorithmComparison.ScoredPositions(requests));
    }

    [Fact]
    public void Agreement_reports_the_largest_difference_and_every_flipped_flag_or_prediction()
    {
        var set = RequestBuilder.Build([
            new ClassificationExample(0, new SourceLocation("t.jsonl", 1), "p", [" a", " b"], 0),
            new ClassificationExample(1, new SourceLocation("t.jsonl", 2), "q", [" a", " b"], 1),
        ], TestContext.Current.CancellationToken);
        ContinuationScore[] reference = [new(-1.0, true), new(-2.0, false), new(-3.0, false), new(-0.5, true)];
        ContinuationScore[] other = [new(-1.0, true), new(-2.000004, false), new(-0.4, true), new(-0.5, true)];

        var agreement = AlgorithmComparison.Compare(TaskFormat.Classification, set, reference, other, "t");

        Assert.Equal(4, agreement.Requests);
        Assert.Equal(2, agreement.Examples);
        Assert.Equal(2.6, agreement.MaxRequestDifference, 1e-12);
        Assert.Equal(1, agreement.GreedyMismatches);
        Assert.Equal(1, agreement.PredictionMismatches); // example 1: class 1 (−0.5) beats −3.0, but not −0.4
        Assert.False(agreement.Within(1e-5));
        Assert.Equal("t, request 2", agreement.Worst);
        Assert.True(AlgorithmComparison.Compare(TaskFormat.Classification, set, reference, reference, "t").Within(0));
    }
}
