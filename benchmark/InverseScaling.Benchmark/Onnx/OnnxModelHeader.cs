using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Onnx;

/// <summary>
/// What an ONNX file declares without its nodes or weights: inputs, outputs, initializers (name, type, shape, where the
/// bytes are) and metadata. Read by <see cref="OnnxModelFile.ReadHeader"/>, every size and path checked.
/// </summary>
/// <param name="Path">The file read.</param>
/// <param name="Opset">The standard domain's operator set version (0 when the model imports none).</param>
internal sealed record OnnxModelHeader(
    string Path,
    long IrVersion,
    long Opset,
    IReadOnlyList<OnnxValue> Inputs,
    IReadOnlyList<OnnxValue> Outputs,
    IReadOnlyList<OnnxInitializer> Initializers,
    IReadOnlyDictionary<string, string> Metadata)
{
    public OnnxInitializer? Initializer(string name) => Initializers.FirstOrDefault(i => i.Name == name);
}

/// <summary>A graph input or output: a tensor of <see cref="ElementType"/> with a declared shape.</summary>
internal sealed record OnnxValue(string Name, DataType ElementType, IReadOnlyList<TensorDim> Shape);

/// <summary>A weight: its logical size (<see cref="ElementCount"/> elements of <see cref="ElementType"/>) and, for external data, where its bytes are.</summary>
internal sealed record OnnxInitializer(string Name, DataType ElementType, IReadOnlyList<long> Dims, long ElementCount, OnnxExternalData? External);

/// <summary>An initializer's bytes in another file: <see cref="FullPath"/> (inside the model's folder), from <see cref="Offset"/>, <see cref="Length"/> bytes when given.</summary>
internal sealed record OnnxExternalData(string Location, string FullPath, long Offset, long? Length);
