using System.Text.Json;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// ONNX Runtime against torch on the reference family: per-token log-probabilities of the validation texts
/// (validation/logprobs.json, tokenLogProbs[i] = log p(ids[i+1] | ids[0..i]) from torch) must agree within 1e-4,
/// and the scorer must give the same sums whatever the batching.
/// </summary>
public sealed class ReferenceFamilyCrossRuntimeTests
{
    private static string Fixture => Path.Combine(TestPaths.ReferenceFamilyDirectory, "validation", "logprobs.json");

    public static IEnumerable<TheoryDataRow<string>> Checkpoints()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(TestPaths.ReferenceFamilyManifest));
        return manifest.RootElement.GetProperty("checkpoints").EnumerateArray()
            .Select(c => new TheoryDataRow<string>(c.GetProperty("name").GetString()!))
            .ToArray();
    }

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void Onnx_runtime_token_log_probabilities_match_torch(string checkpoint)
    {
        var cancel = TestContext.Current.CancellationToken;
        var (onnxPath, options) = ReadCheckpoint(checkpoint);
        var texts = ReadFixture(checkpoint);
        using var model = OnnxDecoder.Create(onnxPath, options);

        // All texts in one right-padded batch; every real position scored on its own.
        var ours = OnnxTokenLogProbabilities(model, texts, cancel);
        var worst = 0.0;
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(texts[i].TokenLogProbs.Length, ours[i].Length);
            for (var t = 0; t < ours[i].Length; t++)
            {
                var difference = Math.Abs(ours[i][t] - texts[i].TokenLogProbs[t]);
                worst = Math.Max(worst, difference);
                Assert.True(difference <= 1e-4,
                    $"{checkpoint} text {i} token {t + 1} (id {texts[i].Ids[t + 1]}): ONNX Runtime {ours[i][t]:R}, torch {texts[i].TokenLogProbs[t]:R}");
            }
        }

        // The scorer on whole texts, as one-row batches and as budget-filled batches.
        TokenizedRequest[] requests = [.. texts.Select(t => new TokenizedRequest(t.Ids[..1], t.Ids[1..]))];
        var oneRow = new LoglikelihoodScorer(model, onnxPath, new(MaxBatchRows: 1));
        var filled = new LoglikelihoodScorer(model, onnxPath, new(TokenBudget: 4096));
        var single = oneRow.Score(requests, cancel);
        var batched = filled.Score(requests, cancel);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(ours[i].Sum(), single[i].LogProbability, 1e-5);
            Assert.Equal(single[i].LogProbability, batched[i].LogProbability, 1e-5);
            Assert.Equal(texts[i].TokenLogProbs.Sum(), batched[i].LogProbability, 1e-4 * texts[i].TokenLogProbs.Length);
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{checkpoint}: {texts.Count} texts, {texts.Sum(t => t.TokenLogProbs.Length)} tokens, worst |ORT − torch| = {worst:E2}; " +
            $"scorer {filled.Statistics.Tokens} tokens in {filled.Statistics.Batches} batches, {filled.Statistics.TokensPerSecond:F0} tokens/s");
    }

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void Scorer_results_on_onnx_do_not_depend_on_batching_or_context_sharing(string checkpoint)
    {
        var cancel = TestContext.Current.CancellationToken;
        var (onnxPath, options) = ReadCheckpoint(checkpoint);
        using var model = OnnxDecoder.Create(onnxPath, options);

        // From each text: contexts of several lengths, each with one-token and multi-token continuations.
        var requests = new List<TokenizedRequest>();
        foreach (var text in ReadFixture(checkpoint))
        {
            var ids = text.Ids[..Math.Min(text.Ids.Length, 96)];
            for (var cut = 4; cut + 4 <= ids.Length; cut += 23)
            {
                var context = ids[..cut];
                requests.Add(new(context, ids[cut..(cut + 1)]));
                requests.Add(new(context, ids[(cut + 1)..(cut + 2)]));
                requests.Add(new(context, ids[cut..(cut + 4)]));
            }
        }

        var oneRow = new LoglikelihoodScorer(model, onnxPath, new(MaxBatchRows: 1)).Score(requests, cancel);
        var filled = new LoglikelihoodScorer(model, onnxPath, new(TokenBudget: 1024)).Score(requests, cancel);
        var unshared = new LoglikelihoodScorer(model, onnxPath, new(TokenBudget: 1024, ShareOneTokenContexts: false)).Score(requests, cancel);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(oneRow[i].LogProbability, filled[i].LogProbability, 1e-5);
            Assert.Equal(oneRow[i].IsGreedy, filled[i].IsGreedy);
            if (requests[i].Continuation.Length == 1) Assert.Equal(unshared[i].LogProbability, filled[i].LogProbability, 1e-6);
        }
    }

    private static List<double[]> OnnxTokenLogProbabilities(OnnxDecoder model, IReadOnlyList<FixtureText> texts, CancellationToken cancel)
    {
        var length = texts.Max(t => t.Ids.Length);
        var tokens = new long[texts.Count * length];
        var lengths = new int[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            lengths[i] = texts[i].Ids.Length;
            for (var t = 0; t < lengths[i]; t++) tokens[i * length + t] = texts[i].Ids[t];
        }

        var results = texts.Select(t => new double[t.Ids.Length - 1]).ToList();
        var scratch = new double[model.VocabularySize];
        model.Forward(tokens, lengths, length, logits =>
        {
            var vocabulary = model.VocabularySize;
            for (var i = 0; i < texts.Count; i++)
            {
                for (var t = 0; t + 1 < lengths[i]; t++)
                {
                    var row = logits.Slice((i * length + t) * vocabulary, vocabulary);
                    Assert.Equal(-1, LogSoftmax.IndexOfNonFinite(row));
                    results[i][t] = LogSoftmax.At(row, texts[i].Ids[t + 1], scratch, out _);
                }
            }
        }, cancel);
        return results;
    }

    private static (string OnnxPath, OnnxModelOptions Options) ReadCheckpoint(string name)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(TestPaths.ReferenceFamilyManifest));
        var checkpoint = manifest.RootElement.GetProperty("checkpoints").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var files = checkpoint.GetProperty("files");
        var onnx = Path.Combine(TestPaths.ReferenceFamilyDirectory, files.GetProperty("onnx").GetProperty("path").GetString()!);
        var vocab = Path.Combine(TestPaths.ReferenceFamilyDirectory, files.GetProperty("vocab").GetProperty("path").GetString()!);
        using var vocabulary = JsonDocument.Parse(File.ReadAllText(vocab));
        var size = vocabulary.RootElement.EnumerateObject().Count();
        return (onnx, new OnnxModelOptions(size, checkpoint.GetProperty("maxContext").GetInt32()));
    }

    private static List<FixtureText> ReadFixture(string checkpoint)
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Fixture));
        return fixture.RootElement.GetProperty("checkpoints").GetProperty(checkpoint).EnumerateArray()
            .Select(t => new FixtureText(
                t.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                t.GetProperty("tokenLogProbs").EnumerateArray().Select(e => e.GetDouble()).ToArray()))
            .ToList();
    }

    private sealed record FixtureText(int[] Ids, double[] TokenLogProbs);
}
