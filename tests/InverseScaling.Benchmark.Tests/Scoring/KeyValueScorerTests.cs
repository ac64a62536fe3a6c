using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

// PrefixLogitsModel on FixedLogitsModel.HandTable: after prefix s, logits = HandTable[s.last] + 0.5 at (Σ s) mod 4.
// Hand values (log-softmax in double over those float logits), e.g. [1] then [2, 0]:
//   after [1]:    [0, 0.5, 0, 0]   → log p(2) = 0 − ln(3 + e^0.5)              = −1.5365871
//   after [1,2]:  [1, 3, 0, 0.5]   → log p(0) = 1 − ln(e + e³ + 1 + e^0.5)      = −2.2368206;  sum −3.7734077
public sealed class KeyValueScorerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly TokenizedRequest[] SharedContext =
    [
        new([1, 2, 3], [0]),
        new([1, 2, 3], [2, 1]),
        new([1, 2, 3], [2, 1, 3]),
        new([1, 2, 3], [3, 3]),
        new([2], [1]),
        new([1], [2, 0]),
    ];

    [Fact]
    public void Each_context_runs_once_and_each_continuation_runs_on_its_cache_without_its_last_token()
    {
        var model = new PrefixLogitsModel(FixedLogitsModel.HandTable);
        var scorer = new LoglikelihoodScorer(model, "prefix.onnx");

        var scores = scorer.Score(SharedContext, Cancel);

        double[] expected = [-2.7892402644857746, -0.5689186151008303, -2.1055108013335264, -3.2500137536426257, -0.2368155424308167, -3.7734077286635133];
        bool[] greedy = [false, true, false, false, true, false];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], scores[i].LogProbability, 1e-9);
            Assert.Equal(greedy[i], scores[i].IsGreedy);
        }
        // Contexts [1,2,3], [2], [1] in one prefill (padded to 3); then [2,1] (serving [2,1] and [2,1,3]) and [3] on
        // [1,2,3]'s cache row 0, and [2] on [1]'s cache row 2.
        Assert.Equal(
            ["prefill 3×3 []", "extend 3×2 [0,0,2]"],
            model.Calls.Select(c => $"{c.Kind} {c.Rows}×{c.Length} [{string.Join(",", c.CacheRows)}]"));
        Assert.True(scorer.UsesKeyValueCache);
        Assert.Equal("engine/kv-cache", scorer.Name);
        // Tokens: contexts 3 + 1 + 1, continuations 2 + 1 + 1; the minimum (each context once, each continuation once) is 5 + 11.
        Assert.Equal(new ScoringStatistics(Requests: 6, Sequences: 6, Batches: 2, Tokens: 9, PaddedTokens: 4 + 2, scorer.Statistics.ModelTime)
        {
            LogitPositions = 3 + 4,               // one per prompt, then every continuation position run
            FullHeadBatches = 1,                  // the continuations' call: the double cannot gather
            AttentionPairs = (6 + 1 + 1) + (2 * 3 + 3) + (1 * 3 + 1) + (1 * 1 + 1), // prompts n(n+1)/2; continuation m·past + m(m+1)/2
        }, scorer.Statistics);
    }

    [Fact]
    public void The_cache_the_engine_and_the_naive_algorithm_give_the_same_numbers()
    {
        var random = new TestRandom(20240612);
        var table = Enumerable.Range(0, 7).Select(_ => Enumerable.Range(0, 7).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray()).ToArray();
        var requests = new List<TokenizedRequest>();
        for (var example = 0; example < 30; example++)
        {
            var context = Enumerable.Range(0, random.Next(1, 25)).Select(_ => random.Next(7)).ToArray();
            var stem = Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(7)).ToArray();
            for (var c = 0; c < random.Next(1, 5); c++)
            {
                // Continuations of one context that share their first tokens, as classes often do.
                var tail = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(7));
                requests.Add(new TokenizedRequest(context, [.. stem, .. tail]));
            }
        }

        var naive = new NaiveLoglikelihoodScorer(new PrefixLogitsModel(table), "prefix.onnx").Score(requests, Cancel);
        var cachedModel = new PrefixLogitsModel(table);
        var cached = new LoglikelihoodScorer(cachedModel, "prefix.onnx", new(TokenBudget: 40, MaxBatchRows: 5)).Score(requests, Cancel);
        var shared = new LoglikelihoodScorer(new PrefixLogitsModel(table), "prefix.onnx", new(TokenBudget: 40, UseKeyValueCache: false)).Score(requests, Cancel);
        var perRequest = new LoglikelihoodScorer(new PrefixLogitsModel(table), "prefix.onnx", new(ShareOneTokenContexts: false)).Score(requests, Cancel);

        Assert.Contains(cachedModel.Calls, c => c.Kind == "extend");
        Assert.True(cachedModel.Calls.Count(c => c.Kind == "prefill") > 3, "the budget should split the prompts");
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(naive[i], cached[i]);
            Assert.Equal(naive[i], shared[i]);
            Assert.Equal(naive[i], perRequest[i]);
        }
    }

    [Fact]
    public void Workers_run_batches_at_once_and_give_the_same_numbers()
    {
        var random = new TestRandom(7);
        var table = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var requests = Enumerable.Range(0, 40).SelectMany(e =>
        {
            var context = Enumerable.Range(0, 3 + e % 17).Select(_ => random.Next(5)).ToArray();
            return new[] { new TokenizedRequest(context, [random.Next(5)]), new TokenizedRequest(context, [random.Next(5), random.Next(5)]) };
        }).ToArray();
        var alone = new PrefixLogitsModel(table);
        var shared = new PrefixLogitsModel(table);

        var one = new LoglikelihoodScorer(alone, "prefix.onnx", new(TokenBudget: 64)).Score(requests, Cancel);
        var scorer = new LoglikelihoodScorer(shared, "prefix.onnx", new(TokenBudget: 64, Workers: 3));
        var three = scorer.Score(requests, Cancel);

        // Whole sequences spread a request's tokens over several runs; its sum is still taken in token order.
        var wholeOne = new LoglikelihoodScorer(new PrefixLogitsModel(table), "prefix.onnx", new(TokenBudget: 64, UseKeyValueCache: false)).Score(requests, Cancel);
        var wholeThree = new LoglikelihoodScorer(new PrefixLogitsModel(table), "prefix.onnx", new(TokenBudget: 64, UseKeyValueCache: false, Workers: 3)).Score(requests, Cancel);

        Assert.Equal(one, three);
        Assert.Equal(one, wholeOne);
        Assert.Equal(one, wholeThree);
        Assert.True(shared.Overlaps > 0, "no two model calls overlapped");
        Assert.Equal(alone.Calls.Count(c => c.Kind == "prefill"), shared.Calls.Count(c => c.Kind == "prefill"));
        Assert.Equal(requests.Length, scorer.Statistics.Requests);
        Assert.Equal(requests.Sum(r => r.Context.Length) / 2 + requests.Sum(r => r.Continuation.Length - 1), scorer.Statistics.Tokens);
    }

    [Fact]
    public void Continuation_batches_count_the_cached_length_against_the_budget()
    {
        var model = new PrefixLogitsModel(FixedLogitsModel.HandTable);
        // One 10-token context with four two-token continuations: each continuation row costs 10 cached + 1 new.
        int[] context = [1, 2, 3, 0, 1, 2, 3, 0, 1, 2];
        var scorer = new LoglikelihoodScorer(model, "prefix.onnx", new(TokenBudget: 25));

        scorer.Score([new(context, [0, 1]), new(context, [1, 1]), new(context, [2, 1]), new(context, [3, 1])], Cancel);

        Assert.Equal(["prefill 1×10", "extend 2×1", "extend 2×1"], model.Calls.Select(c => $"{c.Kind} {c.Rows}×{c.Length}"));
    }

    [Fact]
    public void Without_the_option_a_cached_model_runs_whole_sequences()
    {
        var model = new PrefixLogitsModel(FixedLogitsModel.HandTable);
        var scorer = new LoglikelihoodScorer(model, "prefix.onnx", new(UseKeyValueCache: false));

        var scores = scorer.Score(SharedContext, Cancel);

        Assert.False(scorer.UsesKeyValueCache);
        Assert.Equal("engine/shared-prefixes", scorer.Name);
        Assert.All(model.Calls, c => Assert.Equal("forward", c.Kind));
        Assert.Equal(-3.7734077286635133, scores[5].LogProbability, 1e-9);
        // [1,2,3,2,1] and [1,2,3,3] for the first context, [2] and [1,2]: 5 + 4 + 1 + 2 tokens.
        Assert.Equal(12, scorer.Statistics.Tokens);
    }
}
