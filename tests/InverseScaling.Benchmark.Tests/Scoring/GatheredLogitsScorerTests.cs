using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>The scorer with a head that computes only the scored positions: which positions it asks for, and the same numbers.</summary>
public sealed class GatheredLogitsScorerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Scored_positions_are_listed_once_each_in_row_major_order()
    {
        IReadOnlyList<ScoringTarget>[] targets =
        [
            [new(0, 2, 1, 0), new(1, 1, 0, 0), new(1, 2, 3, 1)], // row 0 reads positions 2, 1, 2
            [new(2, 0, 2, 0)],                                    // row 1 reads position 0
        ];

        var scored = ScoredPositions.Of(2, 3, row => targets[row]);

        Assert.Equal([1, 2, 3], scored.Flat); // row 0: 1, 2; row 1: 3 + 0
        Assert.Equal([1, 0, 1], scored.TargetIndices[0]); // indices into Flat
        Assert.Equal([2], scored.TargetIndices[1]);
    }

    [Fact]
    public void A_gathering_model_is_asked_for_the_scored_positions_only_and_gives_the_same_numbers()
    {
        TokenizedRequest[] requests = [new([0], [1, 2]), new([1], [0]), new([1], [2]), new([2, 2], [2, 2])];
        var full = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable), "fixed.onnx", new(TokenBudget: 8) { GatherLogits = false });
        var gathered = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable) { GathersLogits = true }, "fixed.onnx", new(TokenBudget: 8));

        var expected = full.Score(requests, Cancel);
        var scores = gathered.Score(requests, Cancel);

        Assert.Equal(expected, scores);
        // [2,2,2] reads positions 1 and 2, [0,1] positions 0 and 1, [1] position 0 for two requests: 5 of the 6 real positions.
        Assert.Equal(5, gathered.Statistics.LogitPositions);
        Assert.Equal(0, gathered.Statistics.FullHeadBatches);
        Assert.Equal(6, full.Statistics.LogitPositions);
        Assert.Equal(0, full.Statistics.FullHeadBatches); // not asked to gather: no fallback
    }

    [Fact]
    public void Non_finite_logits_at_a_scored_position_name_its_row_and_position()
    {
        var table = FixedLogitsModel.HandTable;
        table[3] = [0, float.NaN, 0, 0];
        var scorer = new LoglikelihoodScorer(new FixedLogitsModel(table) { GathersLogits = true }, "fixed.onnx");

        var e = Assert.Throws<Diagnostics.BenchmarkInputException>(() => scorer.Score([new([0, 1], [2]), new([0, 3], [1, 1])], Cancel));

        // One batch [0,3,1] / [0,1] padded to 3: token 3 sits at row 0, position 1.
        Assert.Contains("NaN or infinite logits at batch row 0, position 1 of a [2, 3] batch", e.Message, StringComparison.Ordinal);
    }
}
