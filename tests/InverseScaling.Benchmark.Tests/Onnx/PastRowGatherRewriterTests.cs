using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Onnx.Protobuf;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Tests.Onnx;

/// <summary>
/// The rewrite that lets a with-past graph gather its own past rows: one Gather (axis 0, by <c>past_rows</c>) per past
/// input, every reader of the input moved to the gathered value (in the graph and in a merged decoder's branches,
/// unless a branch declares the name itself), and the graph left alone when it cannot be done. The derived graph's
/// numbers are checked against the host gather on the reference family in <c>WithPastExportTests</c>.
/// </summary>
public sealed class PastRowGatherRewriterTests
{
    [Fact]
    public void Every_past_input_is_gathered_by_past_rows_before_anything_reads_it()
    {
        var model = Decoder();

        Assert.Null(PastRowGatherRewriter.TryRewrite(model));

        var graph = model.Graph;
        var rows = Assert.Single(graph.Input, i => i.Name == PastRowGatherRewriter.RowsInput);
        Assert.Equal((int)DataType.Int64, rows.Type.TensorType.ElemType);
        Assert.Equal(["Gather", "Gather", "Concat", "If"], graph.Node.Select(n => n.OpType));
        Assert.Equal(["past_key_values.0.key", "past_rows"], graph.Node[0].Input);
        Assert.Equal("isb_rows_past_key_values.0.key", graph.Node[0].Output.Single());
        Assert.Equal(0, graph.Node[0].Attribute.Single(a => a.Name == "axis").I);
        Assert.Equal(["isb_rows_past_key_values.0.key", "new_key"], graph.Node[2].Input);
        // The branch that reads the outer past value reads the gathered one; the branch with its own value of that name keeps it.
        var branches = graph.Node[3].Attribute.ToDictionary(a => a.Name, a => a.G);
        Assert.Equal(["isb_rows_past_key_values.0.value"], branches["then_branch"].Node.Single().Input);
        Assert.Equal(["past_key_values.0.value"], branches["else_branch"].Node.Single().Input);
        // The past inputs' batch axis is its own now; their other axes are as they were.
        Assert.Equal(["past_batch", "2", "past", "4"], graph.Input[1].Type.TensorType.Shape.Dim.Select(d => d.DimParam is "" ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam));
        Assert.Contains(model.MetadataProps, p => p.Key == PastRowGatherRewriter.MetadataKey);
    }

    [Fact]
    public void A_graph_it_cannot_rewrite_is_left_as_it_was_with_the_reason()
    {
        var noPast = Decoder();
        noPast.Graph.Input.RemoveAt(2);
        noPast.Graph.Input.RemoveAt(1);
        var unchanged = noPast.Clone();
        Assert.Equal("the graph has no past_key_values.N.key/value inputs", PastRowGatherRewriter.TryRewrite(noPast));
        Assert.Equal(unchanged, noPast);

        var taken = Decoder();
        taken.Graph.Node[0].Output[0] = PastRowGatherRewriter.RowsInput;
        unchanged = taken.Clone();
        Assert.Equal("the graph already has a value named 'past_rows' or 'isb_rows_*'", PastRowGatherRewriter.TryRewrite(taken));
        Assert.Equal(unchanged, taken);

        var passedThrough = Decoder();
        passedThrough.Graph.Output.Add(OnnxGraphBuilder.Value("past_key_values.0.key", DataType.Float, ["batch", 2, "past", 4]));
        Assert.Equal("the past input 'past_key_values.0.key' is also an output", PastRowGatherRewriter.TryRewrite(passedThrough));

        Assert.Equal("the file holds no graph", PastRowGatherRewriter.TryRewrite(new ModelProto()));
    }

    /// <summary>A graph of a with-past decoder's shape: a key concatenated with new keys, and a merged decoder's If reading the past value in one branch.</summary>
    private static ModelProto Decoder()
    {
        var graph = new GraphProto { Name = "decoder" };
        graph.Input.Add(OnnxGraphBuilder.Value("input_ids", DataType.Int64, ["batch", "sequence"]));
        graph.Input.Add(OnnxGraphBuilder.Value("past_key_values.0.key", DataType.Float, ["batch", 2, "past", 4]));
        graph.Input.Add(OnnxGraphBuilder.Value("past_key_values.0.value", DataType.Float, ["batch", 2, "past", 4]));
        graph.Input.Add(OnnxGraphBuilder.Value("use_cache_branch", DataType.Bool, [1]));
        graph.Node.Add(Node("Concat", ["past_key_values.0.key", "new_key"], "present.0.key"));
        var then = new GraphProto { Name = "then" };
        then.Node.Add(Node("Identity", ["past_key_values.0.value"], "then_out"));
        var otherwise = new GraphProto { Name = "else" };
        otherwise.Initializer.Add(new TensorProto { Name = "past_key_values.0.value", DataType = (int)DataType.Float });
        otherwise.Node.Add(Node("Identity", ["past_key_values.0.value"], "else_out"));
        var branch = Node("If", ["use_cache_branch"], "present.0.value");
        branch.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = then });
        branch.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = otherwise });
        graph.Node.Add(branch);
        graph.Output.Add(OnnxGraphBuilder.Value("present.0.key", DataType.Float, ["batch", 2, "total", 4]));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static NodeProto Node(string opType, string[] inputs, string output) => OnnxGraphBuilder.NewNode(opType, inputs, [output]);
}
