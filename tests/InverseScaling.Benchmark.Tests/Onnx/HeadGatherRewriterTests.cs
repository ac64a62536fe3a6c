using Google.Protobuf;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Onnx.Protobuf;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tests.Scoring;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Tests.Onnx;

/// <summary>
/// A tiny decoder with a real head (hidden = Embedding[input_ids] [batch, sequence, 3]; logits = hidden · Wᵀ + bias,
/// W [5, 3] tied through a Transpose): the derived model gathers the hidden rows before the head, and its logits at the
/// gathered positions are the full model's rows, bit for bit.
/// </summary>
public sealed class HeadGatherRewriterTests : IDisposable
{
    private const int Vocabulary = 5;
    private const int Width = 3;
    private static readonly OnnxModelOptions Options = new(Vocabulary, MaxContext: 16);
    private readonly string directory = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_derived_graph_takes_flat_positions_and_returns_logits_for_them_only()
    {
        var model = HeadModel(new TestRandom(15));

        Assert.Null(HeadGatherRewriter.TryRewrite(model));

        var positions = Assert.Single(model.Graph.Input, i => i.Name == HeadGatherRewriter.PositionsInput);
        Assert.Equal((int)DataType.Int64, positions.Type.TensorType.ElemType);
        Assert.Equal(["gathered_positions"], positions.Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        var logits = Assert.Single(model.Graph.Output);
        Assert.Equal(["gathered_positions", "5"], logits.Type.TensorType.Shape.Dim.Select(d => d.DimParam is "" ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam));
        // Flatten and Gather sit right before the head's MatMul, which now reads the gathered rows.
        Assert.Equal(["Gather", "Transpose", "Flatten", "Gather", "MatMul", "Add"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal("isb_gather_hidden", model.Graph.Node[4].Input[0]);
        Assert.Contains(model.MetadataProps, p => p.Key == HeadGatherRewriter.MetadataKey);
    }

    [Fact]
    public void Logits_at_gathered_positions_equal_the_full_models_rows_exactly()
    {
        var random = new TestRandom(20250315);
        var path = Path.Combine(directory, "head.onnx");
        File.WriteAllBytes(path, HeadModel(random).ToByteArray());
        using var full = OnnxDecoder.Create(path, Options);
        using var gathered = OnnxDecoder.Create(path, Options with { GatherLogits = true });
        Assert.False(full.GathersLogits);
        Assert.True(gathered.GathersLogits);
        Assert.Null(gathered.HeadGatherFallback);

        long[] tokens = [1, 4, 0, 2, 3, 3, 0, 0]; // rows [1,4,0,2] and [3,3] padded to 4
        int[] lengths = [4, 2];
        float[] all = [];
        full.Forward(tokens, lengths, 4, logits => all = logits.ToArray(), TestContext.Current.CancellationToken);
        int[] positions = [5, 0, 3, 4];
        float[] picked = [];
        gathered.ForwardAt(tokens, lengths, 4, positions, logits => picked = logits.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal(positions.Length * Vocabulary, picked.Length);
        for (var i = 0; i < positions.Length; i++)
        {
            Assert.Equal(all.AsSpan(positions[i] * Vocabulary, Vocabulary).ToArray(), picked.AsSpan(i * Vocabulary, Vocabulary).ToArray());
        }
        // Row 1, position 1 holds token 3: logits = Embedding[3] · Wᵀ + bias, summed here in double.
        var (embedding, weight, bias) = Weights(new TestRandom(20250315));
        for (var v = 0; v < Vocabulary; v++)
        {
            var expected = bias[v] + Enumerable.Range(0, Width).Sum(c => (double)embedding[3 * Width + c] * weight[v * Width + c]);
            Assert.Equal(expected, picked[0 * Vocabulary + v], 1e-5);
        }
        // Forward on the gathered model computes every position and gives the same numbers.
        float[] again = [];
        gathered.Forward(tokens, lengths, 4, logits => again = logits.ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal(all, again);
    }

    [Fact]
    public void A_model_whose_head_is_not_found_is_opened_as_it_is_and_says_why()
    {
        // TinyOnnxModel's logits are a table lookup (a Gather), with no MatMul head.
        var path = new TinyOnnxModel([[1f, 2f, 3f, 4f], [0f, 0f, 1f, 0f]]).Write(directory);
        using var model = OnnxDecoder.Create(path, new OnnxModelOptions(4, 16) { GatherLogits = true });

        Assert.False(model.GathersLogits);
        Assert.Equal("the logits come from Gather, not from a MatMul head", model.HeadGatherFallback);
        float[] picked = [];
        model.ForwardAt([1, 0, 1], [3], 3, [2, 1], logits => picked = logits.ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal([0f, 0f, 1f, 0f, 1f, 2f, 3f, 4f], picked);
    }

    [Fact]
    public void Heads_it_cannot_gather_are_left_unchanged_with_the_reason()
    {
        var weightInput = HeadModel(new TestRandom(1));
        weightInput.Graph.Node[1].Input[0] = "weight_in"; // the Transpose reads a graph input, not a constant
        weightInput.Graph.Input.Add(OnnxGraphBuilder.Value("weight_in", DataType.Float, [Vocabulary, Width]));
        var before = weightInput.Clone();
        Assert.Equal("the head's MatMul weight is not a 2-D initializer or constant (or a Transpose of one)", HeadGatherRewriter.TryRewrite(weightInput));
        Assert.Equal(before, weightInput);

        var readTwice = HeadModel(new TestRandom(1));
        readTwice.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "copy", Input = { "head_out" }, Output = { "copy" } });
        Assert.Equal("'head_out' on the head's path is read by other nodes", HeadGatherRewriter.TryRewrite(readTwice));

        var old = HeadModel(new TestRandom(1));
        old.OpsetImport[0].Version = 10;
        Assert.Equal("operator set 10 is older than 11 (Flatten with a negative axis)", HeadGatherRewriter.TryRewrite(old));

        Assert.Equal("the graph has no 'scores' output", HeadGatherRewriter.TryRewrite(HeadModel(new TestRandom(1)), "scores"));
    }

    /// <summary>Embedding [5, 3], head weight W [5, 3], bias [5]: the order <see cref="HeadModel"/> draws them in.</summary>
    internal static (float[] Embedding, float[] Weight, float[] Bias) Weights(TestRandom random)
    {
        float[] Draw(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (Draw(Vocabulary * Width), Draw(Vocabulary * Width), Draw(Vocabulary));
    }

    internal static ModelProto HeadModel(TestRandom random)
    {
        var (embedding, weight, bias) = Weights(random);
        var graph = new OnnxGraphBuilder("head")
            .Input("input_ids", DataType.Int64, "batch", "sequence")
            .Input("attention_mask", DataType.Int64, "batch", "sequence")
            .Output("logits", DataType.Float, "batch", "sequence", Vocabulary)
            .Initializer("embedding", embedding, Vocabulary, Width)
            .Initializer("weight", weight, Vocabulary, Width)
            .Initializer("bias", bias, Vocabulary)
            .Node("Gather", ["embedding", "input_ids"], ["hidden"])
            .Node("Transpose", ["weight"], ["weight_t"], OnnxGraphBuilder.Attribute("perm", 1L, 0L))
            .Node("MatMul", ["hidden", "weight_t"], ["head_out"])
            .Node("Add", ["head_out", "bias"], ["logits"]);
        return graph.ToModel(opset: 14);
    }
}
