using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Onnx;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Tests.Onnx;

public sealed class OnnxModelFileTests
{
    [Fact]
    public void A_built_model_reads_back_with_its_signature_initializers_and_metadata()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "built.onnx");
        var model = new OnnxGraphBuilder("g")
            .Input("input_ids", DataType.Int64, "batch", "sequence")
            .Input("past", DataType.Float16, "batch", 2, "past_sequence_length", 8)
            .Initializer("table", [1f, 2, 3, 4, 5, 6], 3, 2)
            .ExternalInitializer("head", DataType.Float, [2, 5], "weights.bin", offset: 64, length: 40)
            .Node("Gather", ["table", "input_ids"], ["logits"])
            .Output("logits", DataType.Float, "batch", "sequence", 2)
            .ToModel(opset: 18, metadata: [new("isb.weights_file", "weights.bin")]);
        OnnxModelFile.Write(path, model);

        var header = OnnxModelFile.ReadHeader(path);

        Assert.Equal(OnnxGraphBuilder.IrVersion, header.IrVersion);
        Assert.Equal(18, header.Opset);
        Assert.Equal(["input_ids int64 [batch, sequence]", "past float16 [batch, 2, past_sequence_length, 8]"], header.Inputs.Select(Describe));
        Assert.Equal(["logits float [batch, sequence, 2]"], header.Outputs.Select(Describe));
        var table = header.Initializer("table")!;
        Assert.Equal((DataType.Float, 6L), (table.ElementType, table.ElementCount));
        Assert.Equal([3L, 2], table.Dims);
        Assert.Null(table.External);
        var head = header.Initializer("head")!;
        Assert.Equal(10, head.ElementCount);
        Assert.Equal(new OnnxExternalData("weights.bin", Path.Combine(Path.GetDirectoryName(path)!, "weights.bin"), 64, 40), head.External);
        Assert.Equal("weights.bin", header.Metadata["isb.weights_file"]);
        // The whole model reads back equal to what was written.
        Assert.Equal(model, OnnxModelFile.Read(path));
    }

    [Fact]
    public void External_data_outside_the_models_folder_is_refused()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "escape.onnx");
        OnnxModelFile.Write(path, new OnnxGraphBuilder("g")
            .ExternalInitializer("w", DataType.Float, [4], "../secret.bin", 0, 16)
            .ToModel());

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxModelFile.ReadHeader(path));

        Assert.Equal("w", e.Field);
        Assert.Equal("initializer \"w\" keeps its data at \"../secret.bin\", which is not a file inside the model's folder", e.Problem);
    }

    [Fact]
    public void A_file_that_is_not_protobuf_is_an_input_error_naming_the_file()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "model.onnx");
        File.WriteAllText(path, "version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 12\n");

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxModelFile.ReadHeader(path));

        Assert.Equal(path, e.File);
        Assert.StartsWith("the file is not an ONNX model (its protobuf cannot be read: ", e.Problem);
    }

    [Fact]
    public void A_truncated_model_is_an_input_error()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.ReferenceFamilyDirectory, "checkpoints", "ref-13k.onnx"));
        var path = Path.Combine(TestPaths.NewTempDirectory(), "cut.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxModelFile.ReadHeader(path));

        Assert.StartsWith("the file is not an ONNX model", e.Problem);
    }

    [Fact]
    public void The_reference_with_past_export_points_its_weights_at_the_plain_export()
    {
        var checkpoints = Path.Combine(TestPaths.ReferenceFamilyDirectory, "checkpoints");
        var plain = OnnxModelFile.ReadHeader(Path.Combine(checkpoints, "ref-13k.onnx"));
        var withPast = OnnxModelFile.ReadHeader(Path.Combine(checkpoints, "ref-13k-with-past.onnx"));

        Assert.Equal(["input_ids", "attention_mask"], plain.Inputs.Select(i => i.Name));
        Assert.Equal(["logits"], plain.Outputs.Select(o => o.Name));
        Assert.Equal("ref-13k.onnx", withPast.Metadata["isb.weights_file"]);
        Assert.Contains(withPast.Inputs, i => i.Name == "past_key_values.0.key" && i.ElementType == DataType.Float && i.Shape.Count == 4);
        var external = withPast.Initializers.Where(i => i.External is not null).ToList();
        Assert.NotEmpty(external);
        Assert.All(external, i => Assert.Equal(Path.Combine(checkpoints, "ref-13k.onnx"), i.External!.FullPath));
        // Each external weight is float32: 4 bytes per element, inside the plain file.
        var plainBytes = new FileInfo(plain.Path).Length;
        Assert.All(external, i =>
        {
            Assert.Equal(DataType.Float, i.ElementType);
            Assert.Equal(4 * i.ElementCount, i.External!.Length);
            Assert.InRange(i.External.Offset + i.External.Length!.Value, 1, plainBytes);
        });
    }

    private static string Describe(OnnxValue value) =>
        $"{value.Name} {value.ElementType.ToString().ToLowerInvariant()} [{string.Join(", ", value.Shape)}]";
}
