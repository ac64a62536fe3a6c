using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;

namespace InverseScaling.Benchmark.Tests.Families;

public sealed class ModelInspectorTests
{
    /// <summary>The export fixtures' GPT-2-style model (model.py, d 8, 2 layers, 4,096 tokens, 1,024 positions, tied head).</summary>
    private const long Gpt2Embeddings = 4096 * 8 + 1024 * 8;
    private const long Gpt2Blocks = 2 * (16 + (8 * 24 + 24) + (8 * 8 + 8) + 16 + (8 * 32 + 32) + (32 * 8 + 8)) + 16;

    /// <summary>The Llama-style model (width 32, 4 query heads and 2 key/value heads of 16, MLP 64, 2 layers, 258 tokens, untied head).</summary>
    private const long LlamaEmbedding = 258 * 32;
    private const long LlamaLayers = 2 * (32 + 32 * 64 + 32 * 32 + 32 * 32 + 64 * 32 + 32 + 3 * 32 * 64) + 32;

    private static string Export(params string[] parts) => TestPaths.TestData(["Exports", .. parts]);

    private static ModelFacts Inspect(string path) => ModelInspector.Inspect(path, TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("ref-13k", 176_608, 12_768)]
    [InlineData("ref-57k", 302_400, 56_640)]
    [InlineData("ref-150k", 477_760, 150_080)]
    [InlineData("ref-336k", 827_232, 335_712)]
    [InlineData("ref-793k", 1_448_704, 793_344)]
    public void Counts_the_reference_family_as_its_trainer_did(string name, long parameters, long nonEmbedding)
    {
        var facts = Inspect(Path.Combine(TestPaths.ReferenceFamilyDirectory, "checkpoints", name + ".onnx"));

        Assert.Equal(new ModelFacts(parameters, nonEmbedding, 1024, [], TiedHead: true), facts with { ExternalData = [] });
        Assert.Empty(facts.ExternalData);
    }

    [Fact]
    public void The_with_past_export_reads_its_weights_from_the_plain_export_beside_it()
    {
        var facts = Inspect(Path.Combine(TestPaths.ReferenceFamilyDirectory, "checkpoints", "ref-13k-with-past.onnx"));

        Assert.Equal((176_608L, 12_768L, 1024), (facts.Parameters, facts.NonEmbeddingParameters, facts.PositionLimit!.Value));
        Assert.Equal([Path.Combine(TestPaths.ReferenceFamilyDirectory, "checkpoints", "ref-13k.onnx")], facts.ExternalData);
    }

    [Theory]
    [InlineData("gpt2-plain", "model.onnx")]
    [InlineData("optimum-gpt2", "model.onnx")]
    [InlineData("optimum-gpt2-with-past", "model.onnx")]
    [InlineData("optimum-gpt2-merged", "decoder_model_merged.onnx")]
    [InlineData("optimum-gpt2-fp16", "model.onnx")]
    [InlineData("optimum-gpt2-int8", "model_quantized.onnx")]
    [InlineData("optimum-gpt2-int4", "model.onnx")]
    [InlineData("optimum-gpt2-external", "model.onnx")]
    public void Every_gpt2_export_counts_the_same_weights_once(string folder, string file)
    {
        var facts = Inspect(Export(folder, file));

        Assert.Equal(Gpt2Embeddings + Gpt2Blocks, facts.Parameters);
        Assert.Equal(Gpt2Blocks, facts.NonEmbeddingParameters);
        Assert.Equal(1024, facts.PositionLimit);
        Assert.True(facts.TiedHead);
        Assert.Equal(folder == "optimum-gpt2-external" ? [Export(folder, "model.onnx_data")] : [], facts.ExternalData);
    }

    [Theory]
    [InlineData("optimum-llama", null)]
    [InlineData("optimum-llama-with-past", null)]
    [InlineData("genai-llama", 512)]
    public void Llama_exports_leave_out_the_untied_head_and_the_rotary_tables(string folder, int? limit)
    {
        var facts = Inspect(Export(folder, "model.onnx"));

        Assert.Equal(2 * LlamaEmbedding + LlamaLayers, facts.Parameters);
        Assert.Equal(LlamaLayers, facts.NonEmbeddingParameters);
        Assert.Equal(limit, facts.PositionLimit);
        Assert.False(facts.TiedHead);
        Assert.Equal(folder == "genai-llama" ? [Export(folder, "model.onnx.data")] : [], facts.ExternalData);
    }

    [Fact]
    public void External_data_outside_the_model_folder_is_refused()
    {
        var folder = TestPaths.NewTempDirectory();
        var model = Path.Combine(folder, "model.onnx");
        var bytes = File.ReadAllBytes(Export("optimum-gpt2-external", "model.onnx"));
        var at = bytes.AsSpan().IndexOf("model.onnx_data"u8);
        Assert.True(at > 0);
        "../mo.onnx_data"u8.CopyTo(bytes.AsSpan(at)); // same length, so the protobuf stays well formed
        File.WriteAllBytes(model, bytes);

        var error = Assert.Throws<BenchmarkInputException>(() => Inspect(model));

        Assert.Equal((model, "wte.weight"), (error.File, error.Field));
        Assert.Equal("initializer \"wte.weight\" keeps its data at \"../mo.onnx_data\", which is not a file inside the model's folder", error.Problem);
    }

    [Fact]
    public void A_file_that_is_not_onnx_fails_naming_it()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "model.onnx");
        File.WriteAllText(path, "not a model");

        var error = Assert.Throws<BenchmarkInputException>(() => Inspect(path));

        Assert.StartsWith($"{path}: the file is not an ONNX model (", error.Message);
    }
}
