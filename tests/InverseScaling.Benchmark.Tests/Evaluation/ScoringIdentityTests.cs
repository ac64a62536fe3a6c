using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Evaluation;

/// <summary>The identity every key is built on: each file that can change a score, and the code, runtime and device.</summary>
public sealed class ScoringIdentityTests
{
    public static TheoryData<string> Files => ["m.onnx", "m.onnx.data", "m-with-past.onnx", "m-with-past.onnx_data", "vocab.json", "merges.txt"];

    [Theory]
    [MemberData(nameof(Files))]
    public void Changing_any_scored_file_changes_the_identity_and_its_digest(string file)
    {
        var folder = Folder();
        var before = ScoringIdentity.For(Checkpoint(folder), "engine/kv-cache", ExecutionDevice.Cpu);

        File.AppendAllText(Path.Combine(folder, file), "x");
        var after = ScoringIdentity.For(Checkpoint(folder), "engine/kv-cache", ExecutionDevice.Cpu);

        Assert.NotEqual(before.Digest, after.Digest);
        Assert.Equal(file is "vocab.json" or "merges.txt", before.ModelSha256 == after.ModelSha256);
        Assert.Equal(before with { ModelSha256 = after.ModelSha256, TokenizerSha256 = after.TokenizerSha256 }, after);
    }

    [Fact]
    public void The_device_the_scorer_and_the_build_are_part_of_the_identity()
    {
        var checkpoint = Checkpoint(Folder());
        var cpu = ScoringIdentity.For(checkpoint, "engine/kv-cache", ExecutionDevice.Cpu);

        var cuda = ScoringIdentity.For(checkpoint, "engine/kv-cache", ExecutionDevice.Parse("cuda:1"));
        var shared = ScoringIdentity.For(checkpoint, "engine/shared-prefixes", ExecutionDevice.Cpu);

        Assert.Equal("cpu:0", cpu.Device);
        Assert.Equal("cuda:1", cuda.Device);
        Assert.Equal(cpu with { Device = "cuda:1" }, cuda);
        Assert.Equal(cpu with { Scorer = "engine/shared-prefixes" }, shared);
        Assert.Equal(4, new[] { cpu, cuda, shared, cpu with { Code = "0.1.0+" + new string('0', 32) } }.Select(i => i.Digest).Distinct().Count());
        Assert.Equal(ScoringIdentity.ThisCode, cpu.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+.*\+[0-9a-f]{32}$", cpu.Code);
        Assert.StartsWith("onnxruntime 1.", cpu.Runtime);
    }

    [Fact]
    public void The_model_part_is_the_sha256_of_each_file_by_role_in_the_manifests_order()
    {
        var folder = Folder();
        string Sha(string name) => FileHash.Sha256(Path.Combine(folder, name));
        var expected = FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(
            $"onnx:{Sha("m.onnx")}\nonnx.data:{Sha("m.onnx.data")}\nonnxWithPast:{Sha("m-with-past.onnx")}\nonnxWithPast.data:{Sha("m-with-past.onnx_data")}\n"));

        Assert.Equal(expected, ScoringIdentity.For(Checkpoint(folder), "engine/kv-cache", ExecutionDevice.Cpu).ModelSha256);
    }

    [Fact]
    public void The_evaluation_options_choose_the_scorer_name_as_the_scorer_does()
    {
        var checkpoint = Checkpoint(Folder());
        var options = EvaluationOptions.Default;

        Assert.Equal("engine/kv-cache", ScoringIdentity.For(checkpoint, options).Scorer);
        Assert.Equal("engine/shared-prefixes", ScoringIdentity.For(checkpoint, options with { Scorer = options.Scorer with { UseKeyValueCache = false } }).Scorer);
        Assert.Equal("cuda:0", ScoringIdentity.For(checkpoint, options with { Device = ExecutionDevice.Parse("cuda") }).Device);
    }

    private static string Folder()
    {
        var folder = TestPaths.NewTempDirectory();
        foreach (var name in Files) File.WriteAllText(Path.Combine(folder, name), name + "\n");
        return folder;
    }

    /// <summary>A checkpoint whose manifest gives no sha256, so every file is hashed as it is on disk.</summary>
    private static Checkpoint Checkpoint(string folder)
    {
        var files = new CheckpointFiles(
            new FileRef("m.onnx", null, [new FileRef("m.onnx.data", null)]),
            new FileRef("vocab.json", null), new FileRef("merges.txt", null),
            OnnxWithPast: new FileRef("m-with-past.onnx", null, [new FileRef("m-with-past.onnx_data", null)]));
        var manifest = new CheckpointManifest("c", 1000, 2000, null, null, null, 256, new BosSpec(BosSpec.None, "<|endoftext|>"), files);
        string At(string name) => Path.Combine(folder, name);
        return new Checkpoint("family", manifest, At("m.onnx"), At("m-with-past.onnx"), new TokenizerFiles(At("vocab.json"), At("merges.txt"), null, null))
        {
            OnnxData = [At("m.onnx.data")],
            OnnxWithPastData = [At("m-with-past.onnx_data")],
        };
    }
}
