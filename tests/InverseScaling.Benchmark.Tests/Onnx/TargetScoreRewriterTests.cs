using Google.Protobuf;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Onnx.Protobuf;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Onnx;

/// <summary>
/// A gathered head that scores its targets itself (the device path): on <see cref="HeadGatherRewriterTests"/>' tiny
/// head, the log-probabilities it returns are log-softmax in double of the full model's logits at the targets, its argmax
/// the first maximum, and a row with an infinite logit comes back NaN, as the host computes them.
/// </summary>
public sealed class TargetScoreRewriterTests : IDisposable
{
    private const int Vocabulary = 5;
    private static readonly OnnxModelOptions Options = new(Vocabulary, MaxContext: 16) { GatherLogits = true };
    private readonly string directory = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Scores_are_log_softmax_in_double_of_the_logits_at_the_targets_with_the_first_argmax()
    {
        var path = Write(HeadGatherRewriterTests.HeadModel(new TestRandom(77)));
        using var full = OnnxDecoder.Create(path, new OnnxModelOptions(Vocabulary, 16));
        using var scoring = OnnxDecoder.Create(path, Options with { ScoreTargets = true });
        using var onHost = OnnxDecoder.Create(path, Options with { ScoreTargets = false });
        Assert.True(scoring.ScoresTargets, scoring.TargetScoreFallback);
        Assert.False(onHost.ScoresTargets);
        Assert.Null(onHost.TargetScoreFallback);

        long[] tokens = [1, 4, 0, 2, 3, 3, 0, 0];
        int[] lengths = [4, 2];
        int[] positions = [5, 0, 3];
        var targets = TargetIds.Of([[2, 4], [1], [0, 3]]);
        Assert.Equal([2L, 4, 1, 1, 0, 3], targets.Ids);
        float[] logits = [];
        full.Forward(tokens, lengths, 4, l => logits = l.ToArray(), TestContext.Current.CancellationToken);
        var cancel = TestContext.Current.CancellationToken;
        (double[] Scores, long[] Argmax) inModel = ([], []), host = ([], []);
        scoring.ForwardScores(tokens, lengths, 4, positions, targets, (s, a) => inModel = (s.ToArray(), a.ToArray()), cancel);
        onHost.ForwardScores(tokens, lengths, 4, positions, targets, (s, a) => host = (s.ToArray(), a.ToArray()), cancel);

        for (var p = 0; p < positions.Length; p++)
        {
            var row = logits.AsSpan(positions[p] * Vocabulary, Vocabulary).ToArray().Select(x => (double)x).ToArray();
            var max = row.Max();
            var logSum = Math.Log(row.Sum(x => Math.Exp(x - max)));
            Assert.Equal(Array.IndexOf(row, max), inModel.Argmax[p]);
            for (var k = 0; k < 2; k++)
            {
                var expected = row[targets.Ids[p * 2 + k]] - max - logSum;
                Assert.Equal(expected, inModel.Scores[p * 2 + k], 1e-12);
                Assert.Equal(expected, host.Scores[p * 2 + k], 1e-12);
            }
        }
        Assert.Equal(host.Argmax, inModel.Argmax);
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.NaN)]
    public void A_row_with_a_non_finite_logit_scores_NaN_at_every_target_as_on_the_host(float bad)
    {
        var model = HeadGatherRewriterTests.HeadModel(new TestRandom(5));
        var bias = model.Graph.Initializer.Single(i => i.Name == "bias");
        var values = new float[Vocabulary];
        Buffer.BlockCopy(bias.RawData.ToByteArray(), 0, values, 0, values.Length * sizeof(float));
        values[4] = bad; // token 4 is never a target below
        bias.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        var path = Write(model);
        var cancel = TestContext.Current.CancellationToken;

        foreach (var scoreInModel in new[] { true, false })
        {
            using var decoder = OnnxDecoder.Create(path, Options with { ScoreTargets = scoreInModel });
            double[] scores = [];
            decoder.ForwardScores([1, 2, 3], [3], 3, [0, 2], TargetIds.Of([[0, 1], [2]]), (s, _) => scores = s.ToArray(), cancel);
            Assert.Equal(4, scores.Length);
            Assert.All(scores, s => Assert.True(double.IsNaN(s), $"{s} (scored in the model: {scoreInModel})"));
        }
    }

    [Fact]
    public void A_graph_it_cannot_extend_is_left_as_it_was_with_the_reason()
    {
        var notGathered = HeadGatherRewriterTests.HeadModel(new TestRandom(1));
        var before = notGathered.Clone();
        Assert.Equal("the head is not gathered", TargetScoreRewriter.TryRewrite(notGathered));
        Assert.Equal(before, notGathered);

        var taken = HeadGatherRewriterTests.HeadModel(new TestRandom(1));
        Assert.Null(HeadGatherRewriter.TryRewrite(taken));
        taken.Graph.Node[0].Output[0] = TargetScoreRewriter.TargetsInput;
        before = taken.Clone();
        Assert.Equal("the graph already has a value named 'target_ids', 'target_log_probs', 'logits_argmax' or 'isb_score_*'", TargetScoreRewriter.TryRewrite(taken));
        Assert.Equal(before, taken);

        // Opened on a model whose head cannot be gathered, the decoder scores on the host and says why.
        var tablePath = new Scoring.TinyOnnxModel([[1f, 2f, 3f, 4f, 0f], [0f, 0f, 1f, 0f, 0f]]).Write(directory);
        using var table = OnnxDecoder.Create(tablePath, Options with { ScoreTargets = true });
        Assert.False(table.ScoresTargets);
        Assert.Equal("the head is not gathered", table.TargetScoreFallback);
        Assert.Equal(
            ["the head runs at every position: the logits come from Gather, not from a MatMul head", "log-probabilities are computed on the host: the head is not gathered"],
            table.Fallbacks);
        using var asked = OnnxDecoder.Create(Write(HeadGatherRewriterTests.HeadModel(new TestRandom(3))), Options with { ScoreTargets = true });
        Assert.Empty(asked.Fallbacks);
    }

    private string Write(ModelProto model)
    {
        var path = Path.Combine(directory, $"head-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
