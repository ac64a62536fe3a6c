using InverseScaling.Benchmark.Onnx.Protobuf;
using InverseScaling.Benchmark.Scoring;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Onnx;

/// <summary>
/// Derives from a with-past decoder's graph one that picks its own past rows: the new int64 input
/// <see cref="RowsInput"/> [n] gathers rows (axis 0) of every <c>past_key_values.N.key/value</c> input before any node
/// reads it, in the graph and in the subgraphs of a merged decoder. A batch that continues rows of an earlier call then
/// takes that call's <c>present.*</c> outputs as they are, wherever the provider keeps them, instead of a copy gathered
/// through the host. The past inputs' batch axis gets its own name; nothing else changes.
/// </summary>
internal static class PastRowGatherRewriter
{
    /// <summary>The input the derived graph takes: the past row each batch row continues, int64 [batch].</summary>
    public const string RowsInput = "past_rows";

    /// <summary>Metadata key marking a derived graph.</summary>
    public const string MetadataKey = "isb.gathered_past_rows";

    private const string Prefix = "isb_rows_";

    /// <summary>Rewrites <paramref name="model"/> in place; null when done, else why its past rows cannot be gathered (the model is then unchanged).</summary>
    public static string? TryRewrite(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph is null) return "the file holds no graph";
        var past = graph.Input.Where(i => DecoderSignature.PastName().IsMatch(i.Name)).ToList();
        if (past.Count == 0) return "the graph has no past_key_values.N.key/value inputs";
        if (graph.Output.FirstOrDefault(o => past.Any(p => p.Name == o.Name)) is { } passed) return $"the past input '{passed.Name}' is also an output";
        if (OnnxGraphBuilder.ValueNames(graph).Any(n => n == RowsInput || n.StartsWith(Prefix, StringComparison.Ordinal))) return $"the graph already has a value named '{RowsInput}' or '{Prefix}*'";

        var renamed = past.ToDictionary(p => p.Name, p => Prefix + p.Name, StringComparer.Ordinal);
        Rename(graph, renamed);
        for (var i = 0; i < past.Count; i++)
        {
            graph.Node.Insert(i, OnnxGraphBuilder.NewNode("Gather", [past[i].Name, RowsInput], [renamed[past[i].Name]], OnnxGraphBuilder.Attribute("axis", 0L)));
            if (past[i].Type?.TensorType?.Shape is { Dim.Count: > 0 } shape) shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "past_batch" };
        }
        graph.Input.Add(OnnxGraphBuilder.Value(RowsInput, DataType.Int64, ["batch"]));
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = RowsInput });
        return null;
    }

    /// <summary>Points every node that reads a renamed value at its new name, down through subgraphs that do not declare that name themselves.</summary>
    private static void Rename(GraphProto graph, Dictionary<string, string> renamed)
    {
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (renamed.TryGetValue(node.Input[i], out var name)) node.Input[i] = name;
            }
            foreach (var subgraph in node.Attribute.Select(a => a.G).Where(g => g is not null))
            {
                var own = OnnxGraphBuilder.ValueNames(subgraph).ToHashSet(StringComparer.Ordinal);
                var inner = renamed.Where(r => !own.Contains(r.Key)).ToDictionary(StringComparer.Ordinal);
                if (inner.Count > 0) Rename(subgraph, inner);
            }
        }
    }
}
