using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Families;

/// <summary>The <c>family init</c> verb: export folders in, a manifest that loads and is hashed out; bad input is one line and exit 2.</summary>
public sealed class FamilyInitCommandTests
{
    /// <summary>Copies export fixture folders into a fresh folder; returns it.</summary>
    internal static string CopyExports(params string[] folders)
    {
        var root = TestPaths.NewTempDirectory();
        foreach (var folder in folders)
        {
            var target = Path.Combine(root, Path.GetFileName(folder));
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(TestPaths.TestData(["Exports", .. folder.Split('/')])))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return root;
    }

    private static string Sha(string root, string file) => FileHash.Sha256(Path.Combine(root, file), TestContext.Current.CancellationToken);

    [Fact]
    public async Task An_optimum_folder_and_a_genai_folder_become_a_loading_hashed_manifest()
    {
        var root = CopyExports("optimum-gpt2-external", "genai-llama");
        var manifest = Path.Combine(root, "family.json");

        var result = await CliRunner.RunInProcessAsync(["family", "init", Path.Combine(root, "genai-llama"), Path.Combine(root, "optimum-gpt2-external"),
            "--name", "exports", "--out", manifest], TestContext.Current.CancellationToken);

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal(
            $"Wrote {manifest}: family exports, 2 checkpoints\n" +
            "  optimum-gpt2-external: 42,720 parameters (1,760 non-embedding), context 1024, BOS none\n" +
            "  genai-llama: 41,248 parameters (24,736 non-embedding), context 512, BOS always\n",
            result.Output.ReplaceLineEndings("\n"));
        var family = FamilyLoader.Load(manifest, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("exports", family.Name);
        var (gpt2, llama) = (family.Checkpoints[0].Manifest, family.Checkpoints[1].Manifest);
        Assert.Equal(("optimum-gpt2-external", 42_720L, 1_760L, 1024), (gpt2.Name, gpt2.Parameters, gpt2.NonEmbeddingParameters, gpt2.MaxContext));
        Assert.Equal(("genai-llama", 41_248L, 24_736L, 512), (llama.Name, llama.Parameters, llama.NonEmbeddingParameters, llama.MaxContext));
        Assert.Equal(new BosSpec(BosSpec.None, "<|endoftext|>"), gpt2.Bos);
        Assert.Equal(new BosSpec(BosSpec.Always, "<|begin_of_text|>"), llama.Bos);
        Assert.Equal(
            [("optimum-gpt2-external/model.onnx", Sha(root, "optimum-gpt2-external/model.onnx")),
             ("optimum-gpt2-external/model.onnx_data", Sha(root, "optimum-gpt2-external/model.onnx_data")),
             ("optimum-gpt2-external/tokenizer.json", Sha(root, "optimum-gpt2-external/tokenizer.json")),
             ("genai-llama/model.onnx", Sha(root, "genai-llama/model.onnx")),
             ("genai-llama/model.onnx.data", Sha(root, "genai-llama/model.onnx.data")),
             ("genai-llama/tokenizer.json", Sha(root, "genai-llama/tokenizer.json"))],
            new[] { gpt2, llama }.SelectMany(c => new[] { c.Files.Onnx, Assert.Single(c.Files.Onnx.Data!), c.Files.TokenizerJson! }).Select(f => (f.Path, f.Sha256)));
    }

    [Fact]
    public async Task An_existing_manifest_is_kept_unless_forced()
    {
        var root = CopyExports("optimum-gpt2");
        var manifest = Path.Combine(root, "family.json");
        File.WriteAllText(manifest, "{}");
        string[] args = ["family", "init", Path.Combine(root, "optimum-gpt2"), "--name", "exports", "--out", manifest];

        var kept = await CliRunner.RunInProcessAsync(args, TestContext.Current.CancellationToken);
        var forced = await CliRunner.RunInProcessAsync([.. args, "--force"], TestContext.Current.CancellationToken);

        Assert.Equal((2, $"error: {manifest} (--out): the file exists. Fix: give another path, or --force to replace it\n"), (kept.ExitCode, kept.Error.ReplaceLineEndings("\n")));
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(1_760, FamilyLoader.Load(manifest, cancellationToken: TestContext.Current.CancellationToken).Checkpoints[0].Manifest.NonEmbeddingParameters);
    }

    [Fact]
    public async Task Bad_values_are_one_line_each_and_exit_code_2()
    {
        var root = CopyExports("optimum-gpt2");
        var missing = Path.Combine(root, "missing");

        var result = await CliRunner.RunInProcessAsync(["family", "init", missing, "--name", "a b", "--out", Path.Combine(root, "family.json"), "--max-context", "1"],
            TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [$"error: {missing} (folders): no such folder. Fix: give the folder the exporter wrote",
             "error: \"a b\" (--name): not a valid family name. Fix: name the family with letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters",
             "error: 1 (--max-context): not a whole number 2 or more. Fix: give the longest sequence the model takes, 2 or more"],
            result.ErrorLines);
    }

    [Fact]
    public async Task A_folder_without_a_model_is_one_error_naming_it()
    {
        var root = CopyExports("optimum-gpt2");
        File.Delete(Path.Combine(root, "optimum-gpt2", "model.onnx"));

        var result = await CliRunner.RunInProcessAsync(["family", "init", Path.Combine(root, "optimum-gpt2"), "--name", "exports", "--out", Path.Combine(root, "family.json")],
            TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {Path.Combine(root, "optimum-gpt2")}: the folder holds no exported model (decoder_model_merged.onnx, model.onnx, decoder_model.onnx, model_quantized.onnx). " +
            "Fix: export the checkpoint with optimum-cli export onnx or onnxruntime-genai's model builder into this folder", Assert.Single(result.ErrorLines));
        Assert.False(File.Exists(Path.Combine(root, "family.json")));
    }
}
