using System.Runtime.InteropServices;
using Google.Protobuf;
using InverseScaling.Benchmark.Onnx.Protobuf;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Onnx;

/// <summary>One dimension of a declared tensor shape: a fixed size, or a name (a symbolic size such as "batch").</summary>
internal readonly record struct TensorDim(long? Size, string? Name)
{
    public static implicit operator TensorDim(long size) => new(size, null);

    public static implicit operator TensorDim(string name) => new(null, name);

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Name ?? "?";
}

/// <summary>
/// Builds an ONNX graph (inputs, outputs, initializers, nodes) and the model around it, through the generated
/// <see cref="ModelProto"/> types. Start from a name, or from a graph read with <see cref="OnnxModelFile.Read"/> to derive
/// a model from another. Tensor bytes are written little-endian, as ONNX stores them.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The IR version written: ONNX 1.10 and later read it, and ONNX Runtime 1.31 runs it.</summary>
    public const long IrVersion = 8;

    /// <summary>The default operator set of the standard domain.</summary>
    public const long DefaultOpset = 17;

    public OnnxGraphBuilder(string name)
        : this(new GraphProto { Name = name })
    {
    }

    /// <summary>Adds to <paramref name="graph"/> in place.</summary>
    public OnnxGraphBuilder(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX tensors are little-endian; this builder writes them only on little-endian machines");
        Graph = graph;
    }

    public GraphProto Graph { get; }

    public OnnxGraphBuilder Input(string name, DataType type, params ReadOnlySpan<TensorDim> shape)
    {
        Graph.Input.Add(Value(name, type, shape));
        return this;
    }

    public OnnxGraphBuilder Output(string name, DataType type, params ReadOnlySpan<TensorDim> shape)
    {
        Graph.Output.Add(Value(name, type, shape));
        return this;
    }

    /// <summary>A node of the standard domain, named after its operator and first output.</summary>
    public OnnxGraphBuilder Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params ReadOnlySpan<AttributeProto> attributes)
    {
        Graph.Node.Add(NewNode(opType, inputs, outputs, attributes));
        return this;
    }

    /// <summary>Every value a graph declares (inputs, initializers, node outputs), its subgraphs' included: what an edit must not name again.</summary>
    public static IEnumerable<string> ValueNames(GraphProto graph) =>
        graph.Input.Select(v => v.Name).Concat(graph.Initializer.Select(v => v.Name)).Concat(graph.Node.SelectMany(n => n.Output))
            .Concat(graph.Node.SelectMany(n => n.Attribute).Select(a => a.G).Where(g => g is not null).SelectMany(ValueNames));

    /// <summary>A node of the standard domain, named after its operator and first output, for a graph being edited.</summary>
    public static NodeProto NewNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params ReadOnlySpan<AttributeProto> attributes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(outputs.Count);
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{outputs[0]}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var attribute in attributes) node.Attribute.Add(attribute);
        return node;
    }

    /// <summary>Any node, such as one of another domain (add that domain's opset to the model <see cref="ToModel"/> returns).</summary>
    public OnnxGraphBuilder Node(NodeProto node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Graph.Node.Add(node);
        return this;
    }

    public OnnxGraphBuilder Initializer(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> dims) =>
        Initializer(name, DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    public OnnxGraphBuilder Initializer(string name, ReadOnlySpan<Half> values, params ReadOnlySpan<long> dims) =>
        Initializer(name, DataType.Float16, MemoryMarshal.AsBytes(values), values.Length, dims);

    public OnnxGraphBuilder Initializer(string name, ReadOnlySpan<long> values, params ReadOnlySpan<long> dims) =>
        Initializer(name, DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>An initializer whose bytes live in another file: <paramref name="location"/> relative to the model's folder.</summary>
    public OnnxGraphBuilder ExternalInitializer(string name, DataType type, ReadOnlySpan<long> dims, string location, long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var tensor = new TensorProto { Name = name, DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        foreach (var dim in dims) tensor.Dims.Add(dim);
        tensor.ExternalData.Add(Entry("location", location));
        tensor.ExternalData.Add(Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        tensor.ExternalData.Add(Entry("length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>The model: this graph, the standard domain at <paramref name="opset"/>, and <paramref name="metadata"/> as metadata_props.</summary>
    public ModelProto ToModel(long opset = DefaultOpset, IEnumerable<KeyValuePair<string, string>>? metadata = null, string producer = "InverseScaling.Benchmark")
    {
        var model = new ModelProto { IrVersion = IrVersion, ProducerName = producer, Graph = Graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (key, value) in metadata ?? []) model.MetadataProps.Add(Entry(key, value));
        return model;
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, params ReadOnlySpan<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (var value in values) attribute.Ints.Add(value);
        return attribute;
    }

    public static ValueInfoProto Value(string name, DataType type, ReadOnlySpan<TensorDim> shape)
    {
        var dims = new TensorShapeProto();
        foreach (var dim in shape)
        {
            dims.Dim.Add(dim.Size is { } size ? new TensorShapeProto.Types.Dimension { DimValue = size } : new TensorShapeProto.Types.Dimension { DimParam = dim.Name ?? "" });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = dims } },
        };
    }

    private OnnxGraphBuilder Initializer(string name, DataType type, ReadOnlySpan<byte> bytes, int count, ReadOnlySpan<long> dims)
    {
        long expected = 1;
        foreach (var dim in dims) expected = checked(expected * dim);
        if (expected != count) throw new ArgumentException($"initializer '{name}' has {count} values for dims [{string.Join(", ", dims.ToArray())}]", nameof(dims));
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        foreach (var dim in dims) tensor.Dims.Add(dim);
        Graph.Initializer.Add(tensor);
        return this;
    }

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };
}
