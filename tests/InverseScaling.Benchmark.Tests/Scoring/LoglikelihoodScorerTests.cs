using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

// Hand arithmetic for FixedLogitsModel.HandTable (logits at a position are chosen by the token there):
//   after 0: [2,1,0,−1]  ln(e²+e+1+e⁻¹) = ln 11.4752174 = 2.4401897 → log p = [−0.4401897, −1.4401897, −2.4401897, −3.4401897]
//   after 1: uniform      ln 4 = 1.3862944                        → log p = −1.3862944 each; argmax (first) = 0
//   after 2: [1,3,0,0]    ln(e+e³+2) = ln 24.8038188 = 3.2109976  → log p = [−2.2109976, −0.2109976, −3.2109976, −3.2109976]
//   after 3: [0,−1,2,1]   same sum as after 0                     → log p = [−2.4401897, −3.4401897, −0.4401897, −1.4401897]
public sealed class LoglikelihoodScorerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Single_token_continuations_score_the_log_softmax_at_the_last_context_position()
    {
        var scorer = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable), "fixed.onnx");

        var scores = scorer.Score([new([0], [0]), new([1, 0], [2]), new([2], [1])], Cancel);

        Assert.Equal(-0.4401896985611953, scores[0].LogProbability, 1e-9); // 2 − 2.4401897
        Assert.True(scores[0].IsGreedy);
        Assert.Equal(-2.4401896985611953, scores[1].LogProbability, 1e-9); // 0 − 2.4401897
        Assert.False(scores[1].IsGreedy);
        Assert.Equal(-0.2109976232381756, scores[2].LogProbability, 1e-9); // 3 − 3.2109976
        Assert.True(scores[2].IsGreedy);
    }

    [Fact]
    public void Multi_token_continuations_sum_each_token_given_its_prefix()
    {
        var scorer = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable), "fixed.onnx");

        var scores = scorer.Score([new([3, 2], [1, 0, 3]), new([2], [1, 0]), new([2], [1, 1])], Cancel);

        // p(1|2) + p(0|1) + p(3|0) = −0.2109976 − 1.3862944 − 3.4401897 = −5.0374817; 3 is not the argmax after 0
        Assert.Equal(-5.0374816829192615, scores[0].LogProbability, 1e-9);
        Assert.False(scores[0].IsGreedy);
        // p(1|2) + p(0|1) = −1.5972920; after 1 all tie and the first index, 0, is the argmax
        Assert.Equal(-1.5972919843580662, scores[1].LogProbability, 1e-9);
        Assert.True(scores[1].IsGreedy);
        // p(1|2) + p(1|1) = −1.5972920, but 1 is not the first of the tied maxima
        Assert.Equal(-1.5972919843580662, scores[2].LogProbability, 1e-9);
        Assert.False(scores[2].IsGreedy);
    }

    [Fact]
    public void One_token_continuations_of_a_shared_context_run_as_one_sequence_and_equal_the_full_path()
    {
        TokenizedRequest[] requests = [new([3, 0], [0]), new([3, 0], [1]), new([3], [0]), new([3, 0], [2]), new([3, 0], [1, 2])];
        var shared = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable), "fixed.onnx");
        var full = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable), "fixed.onnx", new(ShareOneTokenContexts: false));

        var sharedScores = shared.Score(requests, Cancel);
        var fullScores = full.Score(requests, Cancel);

        // Shared: [3,0,1] serves the four requests after [3,0] (first tokens at position 1, the last request's 2 at
        // position 2; its final token is never run), [3] the third. Not shared: one run per request.
        Assert.Equal(2, shared.Statistics.Sequences);
        Assert.Equal(5, full.Statistics.Sequences);
        double[] expected = [-0.4401896985611953, -1.4401896985611953, -2.4401896985611953, -2.4401896985611953, -2.8264840596810856];
        // the last: p(1|0) + p(2|1) = −1.4401897 − 1.3862944
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[i], sharedScores[i].LogProbability, 1e-9);
            Assert.Equal(fullScores[i].LogProbability, sharedScores[i].LogProbability, 1e-6);
            Assert.Equal(fullScores[i].IsGreedy, sharedScores[i].IsGreedy);
        }
    }

    [Fact]
    public void Results_do_not_depend_on_batching()
    {
        var random = new TestRandom(20240607);
        var table = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray()).ToArray();
        var requests = Enumerable.Range(0, 60)
            .Select(_ => new TokenizedRequest(
                Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(6)).ToArray(),
                Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(6)).ToArray()))
            .ToArray();
        var oneByOne = new FixedLogitsModel(table);
        var batched = new FixedLogitsModel(table);

        var single = new LoglikelihoodScorer(oneByOne, "fixed.onnx", new(MaxBatchRows: 1)).Score(requests, Cancel);
        var filled = new LoglikelihoodScorer(batched, "fixed.onnx", new(TokenBudget: 64)).Score(requests, Cancel);

        Assert.All(oneByOne.Batches, b => Assert.Equal(1, b.Rows));
        Assert.All(batched.Batches, b => Assert.True(b.Rows * b.Length <= 64, $"batch {b} over the budget"));
        Assert.True(batched.Batches.Count < oneByOne.Batches.Count / 3, $"{batched.Batches.Count} batches: the budget did not fill them");
        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(single[i].LogProbability, filled[i].LogProbability, 1e-5);
            Assert.Equal(single[i].IsGreedy, filled[i].IsGreedy);
            Assert.True(single[i].LogProbability < 0);
        }
    }

    [Fact]
    public void Batches_are_filled_longest_first_under_the_token_budget_and_counted()
    {
        var model = new FixedLogitsModel(FixedLogitsModel.HandTable);
        var scorer = new LoglikelihoodScorer(model, "fixed.onnx", new(TokenBudget: 8));

        // Sequences (a continuation's last token is never run): [0,1] (2 tokens), [1] shared by two requests (1 token), [2,2,2] (3 tokens).
        scorer.Score([new([0], [1, 2]), new([1], [0]), new([1], [2]), new([2, 2], [2, 2])], Cancel);

        Assert.Equal([(2, 3), (1, 1)], model.Batches); // [2,2,2]+[0,1] pad to 2×3 = 6 (a third row would make 9); [1] alone
        // Logits at every real position (6), in both calls (the table cannot gather); attention pairs 3·4/2 + 2·3/2 + 1 = 10.
        Assert.Equal(new ScoringStatistics(Requests: 4, Sequences: 3, Batches: 2, Tokens: 6, PaddedTokens: 1, scorer.Statistics.ModelTime)
            { LogitPositions = 6, AttentionPairs = 10, FullHeadBatches = 2 },
            scorer.Statistics);
    }

    [Fact]
    public void A_sequence_longer_than_the_budget_runs_alone()
    {
        var model = new FixedLogitsModel(FixedLogitsModel.HandTable);
        var scorer = new LoglikelihoodScorer(model, "fixed.onnx", new(TokenBudget: 2));

        var scores = scorer.Score([new([0, 1], [2, 3]), new([0], [0])], Cancel);

        Assert.Equal([(1, 3), (1, 1)], model.Batches); // [0,1,2] (the final 3 is never run), then [0]
        Assert.Equal(-0.4401896985611953, scores[1].LogProbability, 1e-9);
    }

    [Fact]
    public void NaN_logits_name_the_checkpoint_file_and_the_batch_position()
    {
        var table = FixedLogitsModel.HandTable;
        table[2][3] = float.NaN;
        var scorer = new LoglikelihoodScorer(new FixedLogitsModel(table), "family/ckpt-3m.onnx");

        var e = Assert.Throws<BenchmarkInputException>(() => scorer.Score([new([0, 1], [0]), new([1], [2, 0])], Cancel));

        // Runs [0,1] and [1,2] (the final 0 is never run), both 2 long, in plan order: row 1 reads position 1 (after token 2)
        // to score the continuation's 0.
        Assert.Equal(
            "family/ckpt-3m.onnx: the model produced NaN or infinite logits at batch row 1, position 1 of a [2, 2] batch. Fix: check the export (fp16 overflow, a broken weight file); re-export the checkpoint in float32 and validate it against the framework's logits",
            e.Message);
    }

    [Fact]
    public void A_cancelled_token_stops_before_the_first_batch()
    {
        var model = new FixedLogitsModel(FixedLogitsModel.HandTable);
        var scorer = new LoglikelihoodScorer(model, "fixed.onnx");

        Assert.Throws<OperationCanceledException>(() => scorer.Score([new([0], [1])], new CancellationToken(canceled: true)));
        Assert.Empty(model.Batches);
    }

    [Fact]
    public void Requests_the_model_cannot_score_are_refused_with_their_index()
    {
        var scorer = new LoglikelihoodScorer(new FixedLogitsModel(FixedLogitsModel.HandTable, maxContext: 4), "fixed.onnx");

        var empty = Assert.Throws<ArgumentException>(() => scorer.Score([new([0], [1]), new([], [1])], Cancel));
        var tooLong = Assert.Throws<ArgumentException>(() => scorer.Score([new([0, 1, 2], [1, 2])], Cancel));
        var outside = Assert.Throws<ArgumentException>(() => scorer.Score([new([0], [1, 4])], Cancel));

        Assert.Equal("request 1 has an empty context; the request builder must put a BOS/EOS token before an empty context (Parameter 'requests')", empty.Message);
        Assert.Equal("request 0 has 5 tokens, more than the model's context of 4; the request builder must cut the context from the left (Parameter 'requests')", tooLong.Message);
        Assert.Equal("request 0 has token id 4 at continuation position 1, outside the model's vocabulary of 4; the tokenizer does not belong to this model (Parameter 'requests')", outside.Message);
    }
}
