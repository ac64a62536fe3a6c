using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// Every bundled checkpoint on every task (the first examples of each task and control set), scored with the head
/// gathered at the scored positions, with the targets also scored inside the model (as on a GPU), and with every position
/// computed, on the with-past export (key/value cache) and on the plain export (whole sequences): the same numbers per
/// request and per example within 1e-5, and the same greedy flags and predictions.
/// </summary>
public sealed class GatheredLogitsFamilyTests
{
    private const int Examples = 4;
    private const double Tolerance = 1e-5;

    private static readonly Lazy<Family> Reference = new(() => FamilyLoader.Load(TestPaths.ReferenceFamilyManifest));

    public static IEnumerable<TheoryDataRow<string>> Checkpoints() =>
        FamilyLoader.Load(TestPaths.ReferenceFamilyManifest).Checkpoints.Select(c => new TheoryDataRow<string>(c.Name)).ToArray();

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void Gathered_logits_give_the_numbers_of_every_position_on_every_task(string name)
    {
        var cancel = TestContext.Current.CancellationToken;
        var checkpoint = Reference.Value.Checkpoints.Single(c => c.Name == name);
        var tokenizer = TokenizerFactory.Create(checkpoint.Tokenizer);
        var encoder = RequestEncoder.For(checkpoint, tokenizer, Reference.Value.ManifestPath);
        var sets = new List<(BenchmarkTask Task, RequestSet Set, TokenizedRequest[] Tokenized)>();
        foreach (var task in TaskCatalog.Discover(TestPaths.Tasks))
        {
            foreach (var examples in new[] { task.ReadExamples(cancel), task.ReadControl(cancel) })
            {
                var set = RequestBuilder.Build(examples.Take(Examples), cancel);
                if (set.Requests.Count > 0) sets.Add((task, set, encoder.Encode(set, cancel)));
            }
        }
        Assert.Equal(2 * TaskCatalog.Discover(TestPaths.Tasks).Count, sets.Count);

        var modelOptions = new OnnxModelOptions(tokenizer.VocabularySize, checkpoint.Manifest.MaxContext, IntraOpThreads: 1);
        foreach (var keyValues in new[] { true, false })
        {
            var options = new LoglikelihoodScorerOptions(UseKeyValueCache: keyValues);
            using var gathered = CheckpointScorer.Create(checkpoint, modelOptions, options);
            using var full = CheckpointScorer.Create(checkpoint, modelOptions, options with { GatherLogits = false });
            Assert.Equal(keyValues, gathered.UsesWithPastExport);
            var model = Assert.IsType<OnnxDecoder>(gathered.Model);
            Assert.True(model.GathersLogits, $"{name} {model.Path}: {model.HeadGatherFallback}");
            Assert.False(Assert.IsType<OnnxDecoder>(full.Model).GathersLogits);

            // As on a GPU: cache rows gathered by the model, the targets' log-probabilities computed inside it, only they
            // and the argmax read back.
            using var inModel = CheckpointScorer.Create(checkpoint, modelOptions with { ScoreTargets = true, GatherCacheRows = true }, options);
            var scoring = Assert.IsType<OnnxDecoder>(inModel.Model);
            Assert.True(scoring.ScoresTargets, $"{name} {scoring.Path}: {scoring.TargetScoreFallback}");
            Assert.Equal(keyValues, scoring.GathersCacheRows);
            Assert.False(model.ScoresTargets);

            foreach (var (task, set, tokenized) in sets)
            {
                var reference = full.Score(tokenized, cancel);
                var agreement = AlgorithmComparison.Compare(task.Format, set, reference, gathered.Score(tokenized, cancel), $"{name} {task.Name}");
                Assert.True(agreement.Within(Tolerance),
                    $"{task.Name} on {name} ({(keyValues ? "with past" : "plain")}): max |Δ| per request {agreement.MaxRequestDifference:E2}, per example {agreement.MaxExampleDifference:E2} (worst at {agreement.Worst})");
                var scored = AlgorithmComparison.Compare(task.Format, set, reference, inModel.Score(tokenized, cancel), $"{name} {task.Name}");
                Assert.True(scored.Within(Tolerance),
                    $"{task.Name} on {name} ({(keyValues ? "with past" : "plain")}, scored in the model): max |Δ| per request {scored.MaxRequestDifference:E2} (worst at {scored.Worst}), {scored.GreedyMismatches} greedy flags and {scored.PredictionMismatches} predictions differ");
            }
            Assert.Equal(0, gathered.Statistics.FullHeadBatches);
            Assert.Equal(full.Statistics.Tokens, gathered.Statistics.Tokens);
            // The head ran only where a log-probability is read: at most the real positions of every call, and fewer
            // on whole sequences, where context positions before the last are never read.
            if (keyValues) Assert.True(gathered.Statistics.LogitPositions <= full.Statistics.LogitPositions);
            else Assert.True(gathered.Statistics.LogitPositions < full.Statistics.LogitPositions / 2, $"{gathered.Statistics.LogitPositions} of {full.Statistics.LogitPositions}");
        }
    }
}
