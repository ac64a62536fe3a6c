using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// The engine (one run per context on the with-past export, continuations on its cache) against the naive official
/// algorithm (one full pass per class at batch size 1 on the plain export), on every task: the same per-request and
/// per-example numbers within 1e-5, with each context run once. The two smallest reference checkpoints, the first
/// examples of each task and control set.
/// </summary>
public sealed class EngineMatchesNaiveTests
{
    private const int Examples = 6;

    private static readonly Lazy<Family> Reference = new(() => FamilyLoader.Load(TestPaths.ReferenceFamilyManifest));

    public static IEnumerable<TheoryDataRow<string>> Tasks() =>
        TaskCatalog.Discover(TestPaths.Tasks).Select(t => new TheoryDataRow<string>(t.Name)).ToArray();

    [Theory]
    [MemberData(nameof(Tasks))]
    public void The_engine_gives_the_naive_algorithms_numbers(string task)
    {
        var selected = TaskCatalog.Discover(TestPaths.Tasks).Where(t => t.Name == task).ToList();
        foreach (var checkpoint in Reference.Value.Checkpoints.OrderBy(c => c.Manifest.NonEmbeddingParameters).Take(2))
        {
            var result = AlgorithmComparison.Compare(checkpoint, selected, new ComparisonOptions(Limit: Examples), Reference.Value.ManifestPath,
                cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal("engine/kv-cache", result.EngineAlgorithm);
            Assert.True(result.Agreement.Within(1e-5),
                $"{task} on {checkpoint.Name}: max |Δ| per request {result.Agreement.MaxRequestDifference:E2}, per example {result.Agreement.MaxExampleDifference:E2}, " +
                $"{result.Agreement.GreedyMismatches} greedy flags and {result.Agreement.PredictionMismatches} predictions differ (worst at {result.Agreement.Worst})");
            Assert.Equal(result.Naive.Statistics.Requests, result.Agreement.Requests);
            // Every context once and every continuation token but the last once: never more than the minimum.
            Assert.InRange(result.Engine.Statistics.Tokens, 1, result.MinimumTokens);
            Assert.True(result.Naive.Statistics.Tokens >= result.MinimumTokens);
        }
    }
}
