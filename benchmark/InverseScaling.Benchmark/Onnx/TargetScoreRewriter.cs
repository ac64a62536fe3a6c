using Google.Protobuf;
using InverseScaling.Benchmark.Onnx.Protobuf;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Onnx;

/// <summary>
/// Extends a graph whose head is gathered (<see cref="HeadGatherRewriter"/>, logits [n, vocabulary]) so that it scores
/// the tokens read at those positions itself, and only those numbers leave the device: the new int64 input
/// <see cref="TargetsInput"/> [n, k] names k tokens per position; the output <see cref="LogProbabilitiesOutput"/>
/// (double [n, k]) is log-softmax of the logits in double at those tokens, NaN at a position with a NaN or infinite
/// logit anywhere in its row; <see cref="ArgmaxOutput"/> (int64 [n, 1]) is each position's first index of the maximum.
/// The operators (Cast, LogSoftmax and ArgMax on the last axis of a 2-D tensor, GatherElements, IsNaN, IsInf, Or, Where)
/// mean the same from operator set 11 on.
/// </summary>
internal static class TargetScoreRewriter
{
    /// <summary>The tokens scored at each gathered position, int64 [positions, k].</summary>
    public const string TargetsInput = "target_ids";

    /// <summary>log p of each target, double [positions, k].</summary>
    public const string LogProbabilitiesOutput = "target_log_probs";

    /// <summary>Each position's first argmax, int64 [positions, 1].</summary>
    public const string ArgmaxOutput = "logits_argmax";

    /// <summary>Metadata key marking a derived graph.</summary>
    public const string MetadataKey = "isb.target_scores";

    private const string Prefix = "isb_score_";

    /// <summary>Rewrites <paramref name="model"/> in place; null when done, else why not (the model is then unchanged).</summary>
    public static string? TryRewrite(ModelProto model, string logits = "logits")
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        if (graph is null) return "the file holds no graph";
        if (model.MetadataProps.All(p => p.Key != HeadGatherRewriter.MetadataKey)) return "the head is not gathered";
        if (graph.Output.All(o => o.Name != logits)) return $"the graph has no '{logits}' output";
        var names = OnnxGraphBuilder.ValueNames(graph).ToHashSet(StringComparer.Ordinal);
        if (names.Contains(TargetsInput) || names.Contains(LogProbabilitiesOutput) || names.Contains(ArgmaxOutput) || names.Any(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            return $"the graph already has a value named '{TargetsInput}', '{LogProbabilitiesOutput}', '{ArgmaxOutput}' or '{Prefix}*'";
        }

        string V(string name) => Prefix + name;
        graph.Initializer.Add(new TensorProto { Name = V("nan"), DataType = (int)DataType.Double, RawData = ByteString.CopyFrom(BitConverter.GetBytes(double.NaN)) });
        Add(graph, "Cast", [logits], V("logits"), OnnxGraphBuilder.Attribute("to", (long)DataType.Double));
        Add(graph, "LogSoftmax", [V("logits")], V("log_probs"), OnnxGraphBuilder.Attribute("axis", -1L));
        Add(graph, "GatherElements", [V("log_probs"), TargetsInput], V("picked"), OnnxGraphBuilder.Attribute("axis", 1L));
        // A row with a NaN or infinite logit scores NaN (log-softmax does not carry a NaN through its maximum): the first
        // bad element's flag, read back at its own index, is 1 exactly when there is one.
        Add(graph, "IsNaN", [V("logits")], V("is_nan"));
        Add(graph, "IsInf", [V("logits")], V("is_inf"));
        Add(graph, "Or", [V("is_nan"), V("is_inf")], V("bad"));
        Add(graph, "Cast", [V("bad")], V("bad_flags"), OnnxGraphBuilder.Attribute("to", (long)DataType.Double));
        Add(graph, "ArgMax", [V("bad_flags")], V("first_bad"), OnnxGraphBuilder.Attribute("axis", -1L), OnnxGraphBuilder.Attribute("keepdims", 1L));
        Add(graph, "GatherElements", [V("bad_flags"), V("first_bad")], V("any_bad"), OnnxGraphBuilder.Attribute("axis", 1L));
        Add(graph, "Cast", [V("any_bad")], V("row_bad"), OnnxGraphBuilder.Attribute("to", (long)DataType.Bool));
        Add(graph, "Where", [V("row_bad"), V("nan"), V("picked")], LogProbabilitiesOutput);
        Add(graph, "ArgMax", [V("logits")], ArgmaxOutput, OnnxGraphBuilder.Attribute("axis", -1L), OnnxGraphBuilder.Attribute("keepdims", 1L));

        graph.Input.Add(OnnxGraphBuilder.Value(TargetsInput, DataType.Int64, ["gathered_positions", "targets_per_position"]));
        graph.Output.Add(OnnxGraphBuilder.Value(LogProbabilitiesOutput, DataType.Double, ["gathered_positions", "targets_per_position"]));
        graph.Output.Add(OnnxGraphBuilder.Value(ArgmaxOutput, DataType.Int64, ["gathered_positions", 1]));
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = LogProbabilitiesOutput });
        return null;
    }

    private static void Add(GraphProto graph, string opType, string[] inputs, string output, params ReadOnlySpan<AttributeProto> attributes) =>
        graph.Node.Add(OnnxGraphBuilder.NewNode(opType, inputs, [output], attributes));
}
