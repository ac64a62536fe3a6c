using InverseScaling.Benchmark.Onnx.Protobuf;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Onnx;

/// <summary>
/// Derives from a decoder's graph one whose output head runs only at chosen positions. The head is the MatMul of the
/// last hidden state by a 2-D weight (an initializer or a Constant, or a Transpose of one: tied or untied), followed by
/// at most a few row-wise steps (Add, Sub, Mul or Div by a constant of rank ≤ 1, such as a bias; Cast, Tanh, Identity)
/// that end in <c>logits</c>. The rewrite flattens the hidden state to [rows × positions, width], gathers the rows
/// named by the new int64 input <see cref="PositionsInput"/> [n] (flat indices batch row × sequence length + position),
/// and runs the head on those alone, so that <c>logits</c> becomes [n, vocabulary]. Nothing else in the graph changes.
/// </summary>
internal static class HeadGatherRewriter
{
    /// <summary>The input the derived graph takes: flat positions, int64 [n].</summary>
    public const string PositionsInput = "gather_positions";

    /// <summary>Metadata key marking a derived graph.</summary>
    public const string MetadataKey = "isb.gathered_head";

    private const string FlatHidden = "isb_gather_hidden_flat";
    private const string GatheredHidden = "isb_gather_hidden";
    private const int MaxRowWiseSteps = 8;

    /// <summary>Rewrites <paramref name="model"/> in place; null when done, else why its head cannot be gathered (the model is then unchanged).</summary>
    public static string? TryRewrite(ModelProto model, string logits = "logits")
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph is null) return "the file holds no graph";
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 11) return $"operator set {opset} is older than 11 (Flatten with a negative axis)";
        if (graph.Output.All(o => o.Name != logits)) return $"the graph has no '{logits}' output";
        var outputs = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);

        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var value in node.Output)
            {
                producers[value] = node;
                names.Add(value);
            }
            foreach (var input in node.Input) consumers[input] = consumers.GetValueOrDefault(input) + 1;
        }
        if (names.Contains(PositionsInput) || names.Contains(FlatHidden) || names.Contains(GatheredHidden)) return $"the graph already has a value named '{PositionsInput}' or 'isb_gather_*'";
        var initializers = graph.Initializer.ToDictionary(i => i.Name, i => i.Dims.Count, StringComparer.Ordinal);

        // Walk back from the logits through row-wise steps to the head's MatMul; every value on the way feeds only the next step.
        var path = new List<string> { logits };
        if (consumers.ContainsKey(logits)) return $"'{logits}' is read by other nodes";
        NodeProto? head = null;
        for (var step = 0; step <= MaxRowWiseSteps && head is null; step++)
        {
            if (!producers.TryGetValue(path[^1], out var node)) return $"'{path[^1]}' is not computed by a node";
            if (node.Domain is not ("" or "ai.onnx")) return $"the head ends in {node.Domain}.{node.OpType}";
            string? next;
            switch (node.OpType)
            {
                case "MatMul":
                    if (node.Input.Count != 2 || RankOfConstant(node.Input[1], producers, initializers) != 2) return "the head's MatMul weight is not a 2-D initializer or constant (or a Transpose of one)";
                    head = node;
                    continue;
                case "Cast" or "Tanh" or "Identity":
                    next = node.Input.Count > 0 ? node.Input[0] : null;
                    break;
                case "Add" or "Sub" or "Mul" or "Div":
                    next = node.Input.Count != 2 ? null
                        : RankOfConstant(node.Input[1], producers, initializers) is >= 0 and <= 1 ? node.Input[0]
                        : RankOfConstant(node.Input[0], producers, initializers) is >= 0 and <= 1 ? node.Input[1] : null;
                    if (next is null) return $"the head's {node.OpType} is not by a constant of rank 0 or 1";
                    break;
                default:
                    return $"the logits come from {node.OpType}, not from a MatMul head";
            }
            if (next is null || consumers.GetValueOrDefault(next) != 1 || outputs.Contains(next)) return $"'{next}' on the head's path is read by other nodes";
            path.Add(next);
        }
        if (head is null) return $"more than {MaxRowWiseSteps} steps between the head's MatMul and '{logits}'";

        var hidden = head.Input[0];
        var at = graph.Node.IndexOf(head);
        graph.Node.Insert(at, OnnxGraphBuilder.NewNode("Flatten", [hidden], [FlatHidden], OnnxGraphBuilder.Attribute("axis", -1L)));
        graph.Node.Insert(at + 1, OnnxGraphBuilder.NewNode("Gather", [FlatHidden, PositionsInput], [GatheredHidden], OnnxGraphBuilder.Attribute("axis", 0L)));
        head.Input[0] = GatheredHidden;
        graph.Input.Add(OnnxGraphBuilder.Value(PositionsInput, DataType.Int64, ["gathered_positions"]));

        // The values from the head on lose their sequence axis: drop their declared shapes, and declare the logits [n, vocabulary].
        var onPath = new HashSet<string>(path, StringComparer.Ordinal);
        for (var i = graph.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (onPath.Contains(graph.ValueInfo[i].Name)) graph.ValueInfo.RemoveAt(i);
        }
        if (graph.Output.First(o => o.Name == logits).Type?.TensorType is { } tensor)
        {
            var width = tensor.Shape?.Dim.Count > 0 ? tensor.Shape.Dim[^1].Clone() : new TensorShapeProto.Types.Dimension { DimParam = "vocabulary" };
            tensor.Shape = new TensorShapeProto();
            tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "gathered_positions" });
            tensor.Shape.Dim.Add(width);
        }
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = PositionsInput });
        return null;
    }

    /// <summary>The rank of a constant value (an initializer, a Constant node's tensor, or a Transpose of either); −1 when it is not one.</summary>
    private static int RankOfConstant(string name, Dictionary<string, NodeProto> producers, Dictionary<string, int> initializers)
    {
        if (initializers.TryGetValue(name, out var rank)) return rank;
        if (!producers.TryGetValue(name, out var node) || node.Domain is not ("" or "ai.onnx")) return -1;
        return node.OpType switch
        {
            "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.Dims.Count ?? -1,
            "Transpose" when node.Input.Count == 1 => RankOfConstant(node.Input[0], producers, initializers),
            _ => -1,
        };
    }
}
