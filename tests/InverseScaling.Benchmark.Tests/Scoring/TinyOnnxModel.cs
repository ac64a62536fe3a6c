using Google.Protobuf;
using InverseScaling.Benchmark.Onnx;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// Tiny ONNX files (built with the library's <see cref="OnnxGraphBuilder"/>) for tests that need a real ONNX Runtime
/// session without the reference family: logits[b, t] = Embedding[input_ids[b, t]] (+ Positions[position_ids[b, t]] when
/// position ids are on), a table keyed by the previous token like <see cref="FixedLogitsModel"/>.
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
    /// <summary>Declares input_ids with these fixed dimensions instead of symbolic [batch, sequence].</summary>
    public int[]? FixedInputShape { get; init; }
    /// <summary>An extra int64 [batch, sequence] input, unused by the graph.</summary>
    public string? ExtraInput { get; init; }
    /// <summary>
    /// Hides the logits width from shape inference (a Reshape to Shape(input_ids) ++ [−1]) and declares it symbolic,
    /// so the session metadata cannot tell it and only a run can.
    /// </summary>
    public bool OpaqueLogitsWidth { get; init; }

    public string Write(string directory, string name = "tiny.onnx")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, Build());
        return path;
    }

    public byte[] Build()
    {
        var vocabulary = Embedding[0].Length;
        var valueType = Float16 ? DataType.Float16 : DataType.Float;
        var graph = new OnnxGraphBuilder("tiny");
        var tokenLogits = Positions is null && !OpaqueLogitsWidth ? LogitsName : "token_logits";
        graph.Node("Gather", ["embedding", InputIdsName], [tokenLogits]);
        Table(graph, "embedding", Embedding);
        if (FixedInputShape is { } fixedShape) graph.Input(InputIdsName, DataType.Int64, [.. fixedShape.Select(d => (TensorDim)(long)d)]);
        else graph.Input(InputIdsName, DataType.Int64, "batch", "sequence");
        if (AttentionMask) graph.Input("attention_mask", DataType.Int64, "batch", "sequence");
        if (Positions is not null)
        {
            graph.Node("Gather", ["positions", "position_ids"], ["position_logits"])
                .Node("Add", [tokenLogits, "position_logits"], [LogitsName]);
            Table(graph, "positions", Positions);
            graph.Input("position_ids", DataType.Int64, "batch", "sequence");
        }
        if (OpaqueLogitsWidth)
        {
            graph.Node("Shape", [InputIdsName], ["ids_shape"])
                .Node("Concat", ["ids_shape", "minus_one"], ["logits_shape"], OnnxGraphBuilder.Attribute("axis", 0L))
                .Node("Reshape", [tokenLogits, "logits_shape"], [LogitsName])
                .Initializer("minus_one", [-1L], 1);
        }
        if (MergedDecoderInputs)
        {
            graph.Input("past_key_values.0.key", DataType.Float, "batch", 2, "past_sequence_length", 4)
                .Input("past_key_values.0.value", DataType.Float, "batch", 2, "past_sequence_length", 4)
                .Input("use_cache_branch", DataType.Bool, 1);
        }
        if (ExtraInput is not null) graph.Input(ExtraInput, DataType.Int64, "batch", "sequence");
        if (OpaqueLogitsWidth) graph.Output(LogitsName, valueType, "batch", "sequence", "vocab");
        else graph.Output(LogitsName, valueType, "batch", "sequence", vocabulary);
        return graph.ToModel(producer: "InverseScaling.Benchmark.Tests").ToByteArray();
    }

    private void Table(OnnxGraphBuilder graph, string name, float[][] rows)
    {
        var flat = rows.SelectMany(r => r).ToArray();
        if (Float16) graph.Initializer(name, flat.Select(v => (Half)v).ToArray(), rows.Length, rows[0].Length);
        else graph.Initializer(name, flat, rows.Length, rows[0].Length);
    }
}
