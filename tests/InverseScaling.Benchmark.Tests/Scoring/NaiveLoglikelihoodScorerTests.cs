using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>The official algorithm, the engine's reference: hand values from FixedLogitsModel.HandTable (see LoglikelihoodScorerTests).</summary>
public sealed class NaiveLoglikelihoodScorerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Each_request_runs_alone_over_context_and_continuation_and_sums_the_last_k_positions()
    {
        var model = new FixedLogitsModel(FixedLogitsModel.HandTable);
        var scorer = new NaiveLoglikelihoodScorer(model, "fixed.onnx");

        var scores = scorer.Score([new([3, 2], [1, 0, 3]), new([2], [1, 0]), new([2], [1, 0])], Cancel);

        // p(1|2) + p(0|1) + p(3|0) = −0.2109976 − 1.3862944 − 3.4401897; then p(1|2) + p(0|1), twice (nothing is shared)
        Assert.Equal(-5.0374816829192615, scores[0].LogProbability, 1e-9);
        Assert.False(scores[0].IsGreedy);
        Assert.Equal(-1.5972919843580662, scores[1].LogProbability, 1e-9);
        Assert.True(scores[1].IsGreedy);
        Assert.Equal(scores[1], scores[2]);
        Assert.Equal([(1, 5), (1, 3), (1, 3)], model.Batches);
        Assert.Equal(new ScoringStatistics(Requests: 3, Sequences: 3, Batches: 3, Tokens: 11, PaddedTokens: 0, scorer.Statistics.ModelTime)
        {
            LogitPositions = 11,
            AttentionPairs = 15 + 6 + 6,
        }, scorer.Statistics);
    }

    [Fact]
    public void Non_finite_logits_at_a_scored_position_name_the_file()
    {
        var table = FixedLogitsModel.HandTable;
        table[1][0] = float.NaN;
        var scorer = new NaiveLoglikelihoodScorer(new FixedLogitsModel(table), "family/ckpt.onnx");

        var e = Assert.Throws<BenchmarkInputException>(() => scorer.Score([new([2], [1, 0])], Cancel));

        Assert.Equal(
            "family/ckpt.onnx: the model produced NaN or infinite logits at batch row 0, position 1 of a [1, 3] batch. Fix: check the export (fp16 overflow, a broken weight file); re-export the checkpoint in float32 and validate it against the framework's logits",
            e.Message);
    }
}
