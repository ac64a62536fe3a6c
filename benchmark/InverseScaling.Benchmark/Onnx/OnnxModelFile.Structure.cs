using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Onnx.Protobuf;

namespace InverseScaling.Benchmark.Onnx;

internal static partial class OnnxModelFile
{
    /// <summary>
    /// The graph's structure without weight bytes or constant tensors: initializers (headers) and nodes of the graph and
    /// of every subgraph, flattened, with the main graph's input and output names. Bounded as <see cref="ReadHeader"/>.
    /// </summary>
    /// <exception cref="BenchmarkInputException">Missing, too large, not an ONNX model, or with an impossible shape or external path.</exception>
    public static OnnxGraphStructure ReadStructure(string path, string field = "onnx", CancellationToken cancellationToken = default)
    {
        ModelStructureProto model;
        using (var stream = Open(path, field))
        {
            model = Parse(path, () => ModelStructureProto.Parser.WithDiscardUnknownFields(true).ParseFrom(stream));
        }
        if (model.Graph is null) throw NoGraph(path);
        var initializers = new List<OnnxInitializer>();
        var nodes = new List<OnnxNode>();
        Flatten(path, model.Graph, initializers, nodes, cancellationToken);
        return new OnnxGraphStructure(path, initializers, nodes,
            model.Graph.Input.Select(v => v.Name).ToList(), model.Graph.Output.Select(v => v.Name).ToList());
    }

    private static void Flatten(string path, GraphStructureProto graph, List<OnnxInitializer> initializers, List<OnnxNode> nodes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        initializers.AddRange(graph.Initializer.Select(t => ToInitializer(path, t)));
        foreach (var node in graph.Node)
        {
            var attributes = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var attribute in node.Attribute)
            {
                if (attribute.Type == AttributeProto.Types.AttributeType.Int || attribute.Type == AttributeProto.Types.AttributeType.Undefined && attribute.I != 0)
                {
                    attributes[attribute.Name] = attribute.I;
                }
                if (attribute.G is { } subgraph) Flatten(path, subgraph, initializers, nodes, cancellationToken);
                foreach (var g in attribute.Graphs) Flatten(path, g, initializers, nodes, cancellationToken);
            }
            nodes.Add(new OnnxNode(node.OpType, node.Domain is "ai.onnx" ? "" : node.Domain, node.Input.ToArray(), node.Output.ToArray(), attributes));
        }
    }
}

/// <summary>
/// What <see cref="OnnxModelFile.ReadStructure"/> reads: initializers and nodes of the graph and its subgraphs, and the
/// main graph's input and output names.
/// </summary>
internal sealed record OnnxGraphStructure(
    string Path,
    IReadOnlyList<OnnxInitializer> Initializers,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs);

/// <summary>A node: operator, domain ("" for ONNX), input and output names (empty for omitted optional ones), integer attributes.</summary>
internal sealed record OnnxNode(string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, long> Attributes);
