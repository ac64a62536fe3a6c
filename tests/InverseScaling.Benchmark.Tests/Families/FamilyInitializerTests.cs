using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Families;

public sealed class FamilyInitializerTests
{
    /// <summary>Copies export fixture folders into a fresh folder; returns it.</summary>
    private static string Copy(params string[] folders)
    {
        var root = TestPaths.NewTempDirectory();
        foreach (var folder in folders)
        {
            var source = TestPaths.TestData("Exports", folder);
            foreach (var file in Directory.EnumerateFiles(source))
            {
                Directory.CreateDirectory(Path.Combine(root, folder));
                File.Copy(file, Path.Combine(root, folder, Path.GetFileName(file)));
            }
        }
        return root;
    }

    private static FamilyManifest Init(string root, params string[] folders) =>
        FamilyInitializer.Create(folders.Select(f => Path.Combine(root, f)).ToArray(), "exports", Path.Combine(root, "family.json"),
            cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public void An_optimum_folder_and_a_genai_folder_become_a_manifest_that_loads_and_is_hashed()
    {
        var root = Copy("optimum-gpt2-with-past", "genai-llama");
        var manifest = Init(root, "optimum-gpt2-with-past", "genai-llama");
        FamilyInitializer.Write(manifest, Path.Combine(root, "family.json"));

        var family = FamilyLoader.Load(root, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["optimum-gpt2-with-past", "genai-llama"], family.Checkpoints.Select(c => c.Name));
        var gpt2 = family.Checkpoints[0].Manifest;
        Assert.Equal((42_720L, 1_760L, 1024), (gpt2.Parameters, gpt2.NonEmbeddingParameters, gpt2.MaxContext));
        Assert.Equal(new BosSpec("none", "<|endoftext|>"), gpt2.Bos);
        Assert.Equal("optimum-gpt2-with-past/model.onnx", gpt2.Files.Onnx.Path);
        Assert.Null(gpt2.Files.Onnx.Data);
        Assert.Equal(FileHash.Sha256(Path.Combine(root, "optimum-gpt2-with-past", "tokenizer.json"), TestContext.Current.CancellationToken), gpt2.Files.TokenizerJson!.Sha256);

        var llama = family.Checkpoints[1];
        Assert.Equal((41_248L, 24_736L, 512), (llama.Manifest.Parameters, llama.Manifest.NonEmbeddingParameters, llama.Manifest.MaxContext));
        Assert.Equal(new BosSpec("always", "<|begin_of_text|>"), llama.Manifest.Bos);
        var data = Assert.Single(llama.Manifest.Files.Onnx.Data!);
        Assert.Equal("genai-llama/model.onnx.data", data.Path);
        Assert.Equal(FileHash.Sha256(Path.Combine(root, "genai-llama", "model.onnx.data"), TestContext.Current.CancellationToken), data.Sha256);
        Assert.Equal([Path.Combine(root, "genai-llama", "model.onnx.data")], llama.OnnxData);
    }

    [Fact]
    public void A_changed_external_data_file_fails_its_sha256()
    {
        var root = Copy("optimum-gpt2-external");
        FamilyInitializer.Write(Init(root, "optimum-gpt2-external"), Path.Combine(root, "family.json"));
        var data = Path.Combine(root, "optimum-gpt2-external", "model.onnx_data");
        var bytes = File.ReadAllBytes(data);
        bytes[100] ^= 1;
        File.WriteAllBytes(data, bytes);

        var error = Assert.Throws<BenchmarkInputException>(() => FamilyLoader.Load(root, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("checkpoints[0].files.onnx.data[0].sha256", error.Field);
        Assert.StartsWith("optimum-gpt2-external/model.onnx_data has sha256 ", error.Problem);
    }

    [Fact]
    public void A_hand_written_manifest_must_list_the_external_data_and_stay_within_the_position_table()
    {
        var root = Copy("optimum-gpt2-external");
        var path = Path.Combine(root, "family.json");
        FamilyInitializer.Write(Init(root, "optimum-gpt2-external"), path);
        var written = File.ReadAllText(path);

        File.WriteAllText(path, written.Replace("\"maxContext\": 1024", "\"maxContext\": 2048", StringComparison.Ordinal));
        var tooLong = Assert.Throws<BenchmarkInputException>(() => FamilyLoader.Load(root, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal($"{path} (checkpoints[0].maxContext): checkpoint \"optimum-gpt2-external\" has maxContext 2048, and its model takes at most 1024 positions. Fix: give maxContext 1024 or less", tooLong.Message);

        var start = written.LastIndexOf(',', written.IndexOf("\"data\": [", StringComparison.Ordinal));
        var end = written.IndexOf(']', start) + 1;
        File.WriteAllText(path, written.Remove(start, end - start));
        var unlisted = Assert.Throws<BenchmarkInputException>(() => FamilyLoader.Load(root, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("checkpoints[0].files.onnx.data", unlisted.Field);
        Assert.Equal("model.onnx reads its weights from model.onnx_data, which the manifest does not list, so its sha256 is not checked", unlisted.Problem);
    }

    [Fact]
    public void Unknown_and_missing_fields_are_all_named_in_one_error()
    {
        var root = Copy("optimum-gpt2");
        var path = Path.Combine(root, "family.json");
        FamilyInitializer.Write(Init(root, "optimum-gpt2"), path);
        File.WriteAllText(path, File.ReadAllText(path)
            .Replace("\"maxContext\": 1024,", "\"maxContxt\": 1024,", StringComparison.Ordinal)
            .Replace("\"policy\": \"none\",", "", StringComparison.Ordinal));

        var error = Assert.Throws<BenchmarkInputException>(() => FamilyLoader.Load(root, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("checkpoints[0].maxContxt", error.Field);
        Assert.StartsWith("\"checkpoints[0].maxContxt\" is not a field of family.json (known here: name, nonEmbeddingParameters, parameters, ", error.Problem);
        Assert.Contains("; \"checkpoints[0].bos.policy\" is missing; \"checkpoints[0].maxContext\" is missing", error.Problem);
    }

    [Fact]
    public void Quantized_and_float16_exports_count_as_their_float32_twin_and_checkpoints_are_ordered_by_size()
    {
        var root = Copy("optimum-llama", "optimum-gpt2-int8", "optimum-gpt2-int4", "optimum-gpt2-fp16", "optimum-gpt2-merged");
        var manifest = Init(root, "optimum-llama", "optimum-gpt2-int8", "optimum-gpt2-int4", "optimum-gpt2-fp16", "optimum-gpt2-merged");

        Assert.Equal(["optimum-gpt2-fp16", "optimum-gpt2-int4", "optimum-gpt2-int8", "optimum-gpt2-merged", "optimum-llama"], manifest.Checkpoints.Select(c => c.Name));
        Assert.All(manifest.Checkpoints.Take(4), c => Assert.Equal((42_720L, 1_760L, 1024), (c.Parameters, c.NonEmbeddingParameters, c.MaxContext)));
        Assert.Equal("optimum-gpt2-int8/model_quantized.onnx", manifest.Checkpoints[2].Files.Onnx.Path);
        Assert.Equal("optimum-gpt2-merged/decoder_model_merged.onnx", manifest.Checkpoints[3].Files.Onnx.Path);
        // no position table: the context comes from config.json's max_position_embeddings
        Assert.Equal(512, manifest.Checkpoints[4].MaxContext);
    }

    [Fact]
    public void A_folder_outside_the_manifest_folder_or_without_a_model_is_refused()
    {
        var root = Copy("optimum-gpt2");
        var outside = Assert.Throws<BenchmarkInputException>(() => FamilyInitializer.Create([Path.Combine(root, "optimum-gpt2")], "x",
            Path.Combine(TestPaths.NewTempDirectory(), "family.json"), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("is not inside the folder of family.json", outside.Problem);

        File.Delete(Path.Combine(root, "optimum-gpt2", "model.onnx"));
        var empty = Assert.Throws<BenchmarkInputException>(() => Init(root, "optimum-gpt2"));
        Assert.Equal("the folder holds no exported model (decoder_model_merged.onnx, model.onnx, decoder_model.onnx, model_quantized.onnx)", empty.Problem);
    }
}
