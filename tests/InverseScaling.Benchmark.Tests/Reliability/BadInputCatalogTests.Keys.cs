using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Scoring;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// The stale and forged results of #13: a changed weight file or with-past export is scored again, never answered from
/// the cache or a resumed run; a cache segment or resume file not signed by the user is ignored and scored again.
/// </summary>
public sealed partial class BadInputCatalogTests
{
    [Fact]
    public async Task External_data_replaced_is_scored_again_not_reused()
    {
        var w = BadInputWorkspace.Create();
        var cache = Path.Combine(w.Root, "cache");
        WriteExternalModel(w, BadInputWorkspace.Embedding());
        var first = await RunExamples(w, w.Out, "--cache", cache);

        WriteExternalModel(w, Other());
        var again = await RunExamples(w, w.Out, "--cache", cache);
        var fresh = await RunExamples(w, Path.Combine(w.Root, "fresh"), "--no-cache");

        Assert.NotEqual(first, again);
        Assert.Equal(fresh, again);
    }

    [Fact]
    public void With_past_export_replaced_is_a_new_key_and_the_saved_unit_is_not_reused()
    {
        var w = BadInputWorkspace.Create();
        File.Copy(w.OnnxA, Path.Combine(w.FamilyDirectory, "checkpoints", "a-with-past.onnx"));
        w.CheckpointAt(0)["files"]!["onnxWithPast"] = new JsonObject { ["path"] = "checkpoints/a-with-past.onnx" };
        w.SaveFamily();
        var task = TaskCatalog.Resolve([w.GoodTask], w.Tasks).Single();
        var store = new UnitResultFiles(w.Out);
        UnitKey Key() => UnitKey.For("tiny-1k", ScoringIdentity.For(FamilyLoader.Load(w.Manifest).Checkpoints[0], EvaluationOptions.Default),
            task, control: false, EvaluationOptions.Default, new FileHashes());
        var before = Key();
        store.Save(before, new CheckpointTaskResult("tiny-1k", 1000, [new(0, 1.5, true, 0, -1.5, [-1.5, -2.5])],
            new CheckpointMetrics("tiny-1k", 1000, new Dictionary<string, MetricValue>()), new(2, 0, 0, 0)));

        new TinyOnnxModel(Other()).Write(Path.Combine(w.FamilyDirectory, "checkpoints"), "a-with-past.onnx");
        var after = Key();

        Assert.NotNull(store.TryLoad(before));
        Assert.NotEqual(before.Scoring.ModelSha256, after.Scoring.ModelSha256);
        Assert.Equal(before with { Scoring = after.Scoring }, after);
        Assert.Null(store.TryLoad(after));
    }

    [Fact]
    public async Task Forged_cache_segment_with_its_hash_recomputed_is_ignored_and_scored_again()
    {
        var w = BadInputWorkspace.Create();
        var cache = Path.Combine(w.Root, "cache");
        var first = await RunExamples(w, w.Out, "--cache", cache);
        var segments = Directory.GetFiles(Path.Combine(cache, "results"), "*.seg", SearchOption.AllDirectories);
        foreach (var segment in segments)
        {
            var body = File.ReadAllBytes(segment)[..^32];
            BitConverter.GetBytes(-0.001).CopyTo(body, 44 + 16); // the first request's log-probability
            File.WriteAllBytes(segment, [.. body, .. SHA256.HashData(body)]);
        }

        var (again, output) = await RunWithOutput(w, Path.Combine(w.Root, "again"), "--cache", cache);
        var (trusted, _) = await RunWithOutput(w, Path.Combine(w.Root, "trusted"), "--cache", cache, "--trust-cache");

        Assert.Single(segments); // the two checkpoints run one model file's content, so share one key
        Assert.Equal(first, again);
        Assert.Contains("1 cache segment ignored (not written by this user", output);
        // The forged segment was overwritten by signed ones, so even --trust-cache now reads the true scores.
        Assert.Equal(first, trusted);
    }

    [Fact]
    public async Task Forged_resume_file_is_not_reused()
    {
        var w = BadInputWorkspace.Create();
        var first = await RunExamples(w, w.Out, "--no-cache");
        var folder = new RunFolder(w.Out);
        var examples = folder.ExamplesPath("good", "tiny-1k", control: false);
        var statePath = folder.UnitStatePath("good", "tiny-1k", control: false);
        var lines = File.ReadAllLines(examples);
        var line = JsonNode.Parse(lines[0])!.AsObject();
        line["loss"] = 0.001;
        lines[0] = line.ToJsonString();
        var forged = string.Concat(lines.Select(l => l + "\n"));
        File.WriteAllText(examples, forged);
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        state["examplesSha256"] = FileHash.Sha256(examples, TestContext.Current.CancellationToken);
        File.WriteAllText(statePath, state.ToJsonString());

        var (again, output) = await RunWithOutput(w, w.Out, "--no-cache");

        Assert.NotEqual(first, forged);
        Assert.Equal(first, again);
        Assert.Contains("1 saved unit in --out ignored (not written by this user", output);
    }

    /// <summary>Runs the good task into <paramref name="output"/>; returns tiny-1k's per-example file.</summary>
    private static async Task<string> RunExamples(BadInputWorkspace w, string output, params string[] options) =>
        (await RunWithOutput(w, output, options)).Examples;

    private static async Task<(string Examples, string Output)> RunWithOutput(BadInputWorkspace w, string output, params string[] options)
    {
        string[] args = [.. w.RunArguments(w.GoodTask).Select(a => a == w.Out ? output : a), .. options];
        var result = await Cli.RunInProcessAsync(args, TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Error}");
        return (File.ReadAllText(new RunFolder(output).ExamplesPath("good", "tiny-1k", control: false)), result.Output);
    }

    /// <summary>Checkpoint tiny-1k as a.onnx with its table in a.onnx.data, listed in family.json without a sha256.</summary>
    private static void WriteExternalModel(BadInputWorkspace w, float[][] table)
    {
        var flat = table.SelectMany(r => r).ToArray();
        var bytes = new byte[flat.Length * sizeof(float)];
        Buffer.BlockCopy(flat, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(Path.Combine(w.FamilyDirectory, "checkpoints", "a.onnx.data"), bytes);
        var graph = new OnnxGraphBuilder("tiny-external")
            .Node("Gather", ["embedding", "input_ids"], ["logits"])
            .ExternalInitializer("embedding", DataType.Float, [table.Length, table[0].Length], "a.onnx.data", 0, bytes.Length)
            .Input("input_ids", DataType.Int64, "batch", "sequence")
            .Input("attention_mask", DataType.Int64, "batch", "sequence")
            .Output("logits", DataType.Float, "batch", "sequence", table[0].Length);
        File.WriteAllBytes(w.OnnxA, graph.ToModel(producer: "InverseScaling.Benchmark.Tests").ToByteArray());
        w.CheckpointAt(0)["files"]!["onnx"]!["data"] = new JsonArray(new JsonObject { ["path"] = "checkpoints/a.onnx.data" });
        w.SaveFamily();
    }

    /// <summary>Another table of logits than <see cref="BadInputWorkspace.Embedding"/>.</summary>
    private static float[][] Other() =>
        Enumerable.Range(0, BadInputWorkspace.Vocabulary).Select(r => Enumerable.Range(0, BadInputWorkspace.Vocabulary).Select(c => (r * 5 + c * 3) % 11 / 4f).ToArray()).ToArray();
}
