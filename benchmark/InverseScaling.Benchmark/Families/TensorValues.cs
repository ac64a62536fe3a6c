using System.Runtime.InteropServices;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Onnx.Protobuf;

namespace InverseScaling.Benchmark.Families;

/// <summary>
/// Compares an output head with an embedding table value by value, at <see cref="Samples"/> positions spread over the
/// table. External initializers are read at those positions from their files; inline ones need the model's own bytes,
/// so the whole file is read once (through <see cref="OnnxModelFile.Read"/>, at most 2 GiB) and only when a head has the
/// type and the shape (or transposed shape) of an embedding.
/// </summary>
internal sealed class TensorValues(string modelPath) : IDisposable
{
    private const int Samples = 4096;

    private readonly Dictionary<string, FileStream> files = new(StringComparer.Ordinal);
    private ModelProto? model;

    /// <summary>True when <paramref name="head"/> holds the values of <paramref name="embedding"/>, in the same layout or transposed.</summary>
    public bool SameValues(OnnxInitializer head, OnnxInitializer embedding)
    {
        if (head.ElementType != embedding.ElementType || head.ElementCount != embedding.ElementCount || head.Dims.Count != 2 || embedding.Dims.Count != 2) return false;
        var transposed = head.Dims[0] == embedding.Dims[1] && head.Dims[1] == embedding.Dims[0];
        if (!transposed && !(head.Dims[0] == embedding.Dims[0] && head.Dims[1] == embedding.Dims[1])) return false;
        var width = (int)head.ElementType switch { 1 => 4, 10 or 16 => 2, 11 => 8, _ => 0 };
        if (width == 0 || Open(head, width) is not { } a || Open(embedding, width) is not { } b) return false;
        var rows = embedding.Dims[0];
        var columns = embedding.Dims[1];
        var elements = embedding.ElementCount;
        var samples = (int)Math.Min(Samples, elements);
        Span<byte> x = stackalloc byte[8], y = stackalloc byte[8];
        for (var k = 0; k < samples; k++)
        {
            var flat = elements <= Samples ? k : (long)((k + 0.5) * elements / samples);
            var (r, c) = (flat / columns, flat % columns);
            b.Read(flat, y[..width]);
            a.Read(transposed ? c * rows + r : flat, x[..width]);
            if (!x[..width].SequenceEqual(y[..width])) return false;
        }
        return true;
    }

    public void Dispose()
    {
        foreach (var stream in files.Values) stream.Dispose();
    }

    /// <summary>Where the tensor's bytes are; null when they cannot be read as <paramref name="width"/>-byte values of its size.</summary>
    private Source? Open(OnnxInitializer tensor, int width)
    {
        var bytes = tensor.ElementCount * width;
        if (tensor.External is { } external)
        {
            if (external.Length is { } length && length != bytes) return null;
            if (!files.TryGetValue(external.FullPath, out var stream))
            {
                stream = InputFile.OpenRead(external.FullPath, InputLimits.ModelDataBytes, "the external data file", "keep the external data file beside the .onnx file");
                files.Add(external.FullPath, stream);
            }
            return external.Offset + bytes <= stream.Length ? new Source(stream, external.Offset, default, width) : null;
        }
        model ??= OnnxModelFile.Read(modelPath);
        if (Find(model.Graph, tensor.Name) is not { } proto) return null;
        ReadOnlyMemory<byte> memory = proto.RawData.Length > 0 ? proto.RawData.Memory
            : proto.DataType == (int)TensorProto.Types.DataType.Float ? MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).ToArray()
            : default;
        return memory.Length == bytes ? new Source(null, 0, memory, width) : null;
    }

    private static TensorProto? Find(GraphProto graph, string name) =>
        graph.Initializer.FirstOrDefault(t => t.Name == name)
        ?? graph.Node.SelectMany(n => n.Attribute).Where(a => a.G is not null).Select(a => Find(a.G, name)).FirstOrDefault(t => t is not null);

    /// <summary>A tensor's bytes: at <c>Start</c> in a file, or in memory.</summary>
    private readonly record struct Source(FileStream? Stream, long Start, ReadOnlyMemory<byte> Memory, int Width)
    {
        public void Read(long index, Span<byte> into)
        {
            if (Stream is null)
            {
                Memory.Span.Slice((int)(index * Width), Width).CopyTo(into);
                return;
            }
            Stream.Position = Start + index * Width;
            Stream.ReadExactly(into);
        }
    }
}
