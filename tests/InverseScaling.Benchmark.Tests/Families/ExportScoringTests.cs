using System.Text.Json;
using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Families;

/// <summary>
/// Every export fixture (TestData/Exports, built by benchmark/reference-family/train/export_fixtures.py from two sets of
/// weights) goes through <c>family init</c> and <c>run</c>, and its per-example class log-probabilities agree with the
/// plain float32 export of the same weights: gpt2-plain for the GPT-2 exports, optimum-llama for the Llama ones.
/// </summary>
public sealed class ExportScoringTests(ExportScoringTests.References references) : IClassFixture<ExportScoringTests.References>
{
    /// <summary>Four examples whose classes are 1 to 26 tokens long (the Llama fixture's tokens are bytes).</summary>
    private const string Task = """
        {"prompt": "The cat sat on the", "classes": [" mat", " roof", " dog"], "answer_index": 0}
        {"prompt": "Q: What is two plus two?\nA:", "classes": [" four", " five"], "answer_index": 0}
        {"prompt": "Once upon a time, there was a", "classes": [" princess", " dragon who lived far away"], "answer_index": 1}
        {"prompt": "It was", "classes": [" yes", " no"], "answer_index": 0}
        """;

    /// <summary>How far a kind of export may be from the float32 path, as |difference| ≤ absolute + relative · |reference|.</summary>
    public enum Agreement
    {
        /// <summary>The same float32 arithmetic (positions, cache, merged branches, external weights, 4-bit weights exact in their blocks): 1e-5.</summary>
        Exact,

        /// <summary>
        /// onnxruntime-genai's GroupQueryAttention sums in another order: ~5e-7 per scored token, so 1e-5 of the value
        /// (measured 1.4e-5 on a 26-token class of −227.1, 6e-8 of it).
        /// </summary>
        GroupedQuery,

        /// <summary>float16 weights, activations and logits: float16 rounds to 4.9e-4 of a value, so 1e-3 of it (measured at most 2.1e-4).</summary>
        Float16,

        /// <summary>
        /// MatMulInteger with activations quantized to uint8 per call: 1e-2 of the value (measured at most 4.4e-3, 0.061 absolute);
        /// against its float32 twin with the same quantized activations, <see cref="Exact"/>.
        /// </summary>
        DynamicInt8,
    }

    [Theory]
    [InlineData("optimum-gpt2", "optimum-llama-with-past", Agreement.Exact, Agreement.Exact)]
    [InlineData("optimum-gpt2-with-past", "genai-llama", Agreement.Exact, Agreement.GroupedQuery)]
    [InlineData("optimum-gpt2-merged", "optimum-llama", Agreement.Exact, Agreement.Exact)]
    [InlineData("optimum-gpt2-external", "optimum-llama", Agreement.Exact, Agreement.Exact)]
    [InlineData("optimum-gpt2-int4", "optimum-llama", Agreement.Exact, Agreement.Exact)]
    [InlineData("optimum-gpt2-fp16", "optimum-llama", Agreement.Float16, Agreement.Exact)]
    [InlineData("optimum-gpt2-int8", "optimum-llama", Agreement.DynamicInt8, Agreement.Exact)]
    public async Task An_export_scores_through_run_as_the_plain_float32_export(string gpt2, string llama, Agreement gpt2Agreement, Agreement llamaAgreement)
    {
        var scores = await Run(TestContext.Current.CancellationToken, gpt2, llama);

        AssertAgree(references.Scores["gpt2-plain"], scores[gpt2], gpt2Agreement);
        AssertAgree(references.Scores["optimum-llama"], scores[llama], llamaAgreement);
        if (gpt2Agreement == Agreement.DynamicInt8) AssertAgree(references.Scores["gpt2-int8-dequantized"], scores[gpt2], Agreement.Exact);
    }

    private static void AssertAgree(double[][] expected, double[][] actual, Agreement agreement)
    {
        var (absolute, relative) = agreement switch
        {
            Agreement.Exact => (1e-5, 0.0),
            Agreement.GroupedQuery => (0.0, 1e-5),
            Agreement.Float16 => (0.0, 1e-3),
            _ => (0.0, 1e-2),
        };
        Assert.Equal(expected.Select(e => e.Length), actual.Select(a => a.Length));
        for (var i = 0; i < expected.Length; i++)
        {
            for (var c = 0; c < expected[i].Length; c++)
            {
                var bound = absolute + relative * Math.Abs(expected[i][c]);
                Assert.True(Math.Abs(actual[i][c] - expected[i][c]) <= bound,
                    $"example {i} class {c}: {actual[i][c]:R} against {expected[i][c]:R}, more than {bound:G3} apart ({agreement})");
            }
            Assert.Equal(Array.IndexOf(expected[i], expected[i].Max()), Array.IndexOf(actual[i], actual[i].Max()));
        }
    }

    /// <summary>Copies the fixture folders, writes family.json with <c>family init</c>, runs the task; returns each checkpoint's class log-probabilities.</summary>
    private static async Task<Dictionary<string, double[][]>> Run(CancellationToken cancellationToken, params string[] folders)
    {
        var root = FamilyInitCommandTests.CopyExports(folders);
        var manifest = Path.Combine(root, "family.json");
        var task = Path.Combine(root, "probe_classification.jsonl");
        File.WriteAllText(task, Task.ReplaceLineEndings("\n") + "\n");
        Directory.CreateDirectory(Path.Combine(root, "baselines"));

        var init = await CliRunner.RunInProcessAsync(["family", "init", .. folders.Select(f => Path.Combine(root, Path.GetFileName(f))), "--name", "exports", "--out", manifest], cancellationToken);
        Assert.Equal((0, ""), (init.ExitCode, init.Error));
        var run = await CliRunner.RunInProcessAsync(["run", "--family", manifest, "--tasks", task, "--out", Path.Combine(root, "out"),
            "--baselines", Path.Combine(root, "baselines"), "--quiet", "--no-controls", "--no-cache"], cancellationToken);
        Assert.Equal((0, ""), (run.ExitCode, run.Error));

        return folders.Select(Path.GetFileName).ToDictionary(f => f!, f => File.ReadLines(Path.Combine(root, "out", "examples", "probe", f + ".jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("classLogProbabilities").EnumerateArray().Select(v => v.GetDouble()).ToArray())
            .ToArray());
    }

    /// <summary>The plain float32 exports' scores (and the int8 export's float32 twin's), run once for the class.</summary>
    public sealed class References : IAsyncLifetime
    {
        public Dictionary<string, double[][]> Scores { get; } = [];

        public async ValueTask InitializeAsync()
        {
            foreach (var (key, value) in await Run(CancellationToken.None, "gpt2-plain", "optimum-llama")) Scores[key] = value;
            Scores["gpt2-int8-dequantized"] = (await Run(CancellationToken.None, "twins/gpt2-int8-dequantized", "optimum-llama-with-past"))["gpt2-int8-dequantized"];
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
