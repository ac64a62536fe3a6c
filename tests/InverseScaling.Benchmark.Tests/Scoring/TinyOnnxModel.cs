using System.Runtime.InteropServices;
using System.Text;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// Writes tiny ONNX files by hand (protobuf wire format) for tests that need a real ONNX Runtime session without the
/// reference family: logits[b, t] = Embedding[input_ids[b, t]] (+ Positions[position_ids[b, t]] when position ids are
/// on), a table keyed by the previous token like <see cref="FixedLogitsModel"/>.
/// </summary>
internal sealed record TinyOnnxModel(float[][] Embedding)
{
    /// <summary>Rows by position id, added to the logits; requires a position_ids input.</summary>
    public float[][]? Positions { get; init; }
    public bool AttentionMask { get; init; } = true;
    /// <summary>Adds past_key_values.0.key/value float [batch, 2, past, 4] and use_cache_branch, unused by the graph.</summary>
    public bool MergedDecoderInputs { get; init; }
    public bool Float16 { get; init; }
    public string InputIdsName { get; init; } = "input_ids";
    public string LogitsName { get; init; } = "logits";
    /// <summary>An extra int64 [batch, sequence] input, unused by the graph.</summary>
    public string? ExtraInput { get; init; }
    /// <summary>
    /// Hides the logits width from shape inference (a Reshape to Shape(input_ids) ++ [−1]) and declares it symbolic,
    /// so the session metadata cannot tell it and only a run can.
    /// </summary>
    public bool OpaqueLogitsWidth { get; init; }
    /// <summary>Declares input_ids with these fixed dimensions instead of symbolic [batch, sequence].</summary>
    public int[]? FixedInputShape { get; init; }

    private const int FloatType = 1, Int64Type = 7, BoolType = 9, Float16Type = 10;

    public string Write(string directory, string name = "tiny.onnx")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, Build());
        return path;
    }

    public byte[] Build()
    {
        var vocabulary = Embedding[0].Length;
        var valueType = Float16 ? Float16Type : FloatType;
        var graph = new Proto().String(2, "tiny");
        var tokenLogits = Positions is null && !OpaqueLogitsWidth ? LogitsName : "token_logits";
        graph.Message(1, Node("Gather", ["embedding", InputIdsName], [tokenLogits]));
        graph.Message(5, Initializer("embedding", Embedding, valueType));
        graph.Message(11, FixedInputShape is { } fixedShape
            ? Value(InputIdsName, Int64Type, [.. fixedShape.Cast<object>()])
            : Value(InputIdsName, Int64Type, "batch", "sequence"));
        if (AttentionMask) graph.Message(11, Value("attention_mask", Int64Type, "batch", "sequence"));
        if (Positions is not null)
        {
            graph.Message(1, Node("Gather", ["positions", "position_ids"], ["position_logits"]));
            graph.Message(1, Node("Add", [tokenLogits, "position_logits"], [LogitsName]));
            graph.Message(5, Initializer("positions", Positions, valueType));
            graph.Message(11, Value("position_ids", Int64Type, "batch", "sequence"));
        }
        if (OpaqueLogitsWidth)
        {
            graph.Message(1, Node("Shape", [InputIdsName], ["ids_shape"]));
            graph.Message(1, Node("Concat", ["ids_shape", "minus_one"], ["logits_shape"]).Message(5, IntAttribute("axis", 0)));
            graph.Message(1, Node("Reshape", [tokenLogits, "logits_shape"], [LogitsName]));
            graph.Message(5, new Proto().Varint(1, 1).Varint(2, Int64Type).String(8, "minus_one").Bytes(9, BitConverter.GetBytes(-1L)));
        }
        if (MergedDecoderInputs)
        {
            graph.Message(11, Value("past_key_values.0.key", FloatType, "batch", 2, "past_sequence_length", 4));
            graph.Message(11, Value("past_key_values.0.value", FloatType, "batch", 2, "past_sequence_length", 4));
            graph.Message(11, Value("use_cache_branch", BoolType, 1));
        }
        if (ExtraInput is not null) graph.Message(11, Value(ExtraInput, Int64Type, "batch", "sequence"));
        graph.Message(12, OpaqueLogitsWidth
            ? Value(LogitsName, valueType, "batch", "sequence", "vocab")
            : Value(LogitsName, valueType, "batch", "sequence", vocabulary));

        return new Proto()
            .Varint(1, 8) // ir_version
            .String(2, "InverseScaling.Benchmark.Tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Varint(2, 17)) // opset_import: default domain, opset 17
            .ToArray();
    }

    private static Proto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new Proto();
        foreach (var input in inputs) node.String(1, input);
        foreach (var output in outputs) node.String(2, output);
        return node.String(3, op + "_" + outputs[0]).String(4, op);
    }

    private static Proto IntAttribute(string name, long value) => new Proto().String(1, name).Varint(3, value).Varint(20, 2); // type INT

    private static Proto Initializer(string name, float[][] rows, int type)
    {
        var flat = rows.SelectMany(r => r).ToArray();
        var raw = type == Float16Type
            ? MemoryMarshal.AsBytes(flat.Select(v => (Half)v).ToArray().AsSpan()).ToArray()
            : MemoryMarshal.AsBytes(flat.AsSpan()).ToArray();
        return new Proto().Varint(1, rows.Length).Varint(1, rows[0].Length).Varint(2, type).String(8, name).Bytes(9, raw);
    }

    /// <summary>A ValueInfoProto; each dimension is a fixed size (int) or a symbolic name (string).</summary>
    private static Proto Value(string name, int elementType, params object[] dims)
    {
        var shape = new Proto();
        foreach (var dim in dims)
        {
            shape.Message(1, dim is string symbol ? new Proto().String(2, symbol) : new Proto().Varint(1, (int)dim));
        }
        var tensor = new Proto().Varint(1, elementType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensor));
    }

    /// <summary>The few protobuf wire-format writes ONNX needs.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream stream = new();

        public Proto Varint(int field, long value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint((ulong)value);
            return this;
        }

        public Proto Bytes(int field, ReadOnlySpan<byte> bytes)
        {
            WriteVarint((ulong)((field << 3) | 2));
            WriteVarint((ulong)bytes.Length);
            stream.Write(bytes);
            return this;
        }

        public Proto String(int field, string text) => Bytes(field, Encoding.UTF8.GetBytes(text));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public byte[] ToArray() => stream.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            stream.WriteByte((byte)value);
        }
    }
}
