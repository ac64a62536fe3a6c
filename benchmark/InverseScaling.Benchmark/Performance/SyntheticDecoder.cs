using System.Runtime.InteropServices;
using Google.Protobuf;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Randomness;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Performance;

/// <summary>
/// The shape of a GPT-2-style decoder: learned token and position embeddings, <see cref="Layers"/> pre-LayerNorm blocks
/// (causal self-attention with <see cref="Heads"/> heads, a 4·d GELU MLP), a final LayerNorm and a head tied to the token
/// embedding.
/// </summary>
public sealed record SyntheticDecoderShape(string Name, int Width, int Layers, int Heads, int Vocabulary, int Context)
{
    /// <summary>Per block 12·d² + 13·d (QKV, output, two MLP matrices with biases, two LayerNorms), plus the final LayerNorm's 2·d.</summary>
    public long NonEmbeddingParameters => Layers * (12L * Width * Width + 13L * Width) + 2L * Width;

    /// <summary>Non-embedding parameters plus the token and position tables (the head is the token table).</summary>
    public long Parameters => NonEmbeddingParameters + (long)(Vocabulary + Context) * Width;

    public Scoring.KeyValueShape Attention => new(Layers, Heads, Width / Heads);
}

/// <summary>
/// Writes a random-weight GPT-2-style decoder as a plain ONNX export (inputs input_ids, attention_mask, position_ids;
/// output logits [batch, sequence, V]) through <see cref="OnnxGraphBuilder"/>, and optionally the with-past export in the
/// layout of optimum's (past_key_values.N.key/value [batch, heads, past, head size] in, present.N.key/value out, the
/// attention mask over past and new tokens) on the same weights. The weights go to one external-data file, streamed as
/// they are drawn from <see cref="SplitMix64"/>, so writing a model holds none of it in memory. Matrices are uniform with
/// standard deviation 0.02 (the residual projections 0.02/√(2L), as GPT-2 initialises them), LayerNorm gains 1 and biases
/// 0: the logits stay finite and of order one at any width.
/// </summary>
internal static class SyntheticDecoder
{
    private const float Std = 0.02f;
    private const int Alignment = 4096;

    /// <summary>
    /// Writes <c>{name}.onnx</c> and <c>{name}.onnx.data</c> into <paramref name="directory"/>, and with
    /// <paramref name="withPast"/> <c>{name}-with-past.onnx</c>, whose initializers point into the same data file.
    /// </summary>
    public static SyntheticExport Write(SyntheticDecoderShape shape, string directory, ulong seed, bool withPast = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Width % shape.Heads != 0) throw new ArgumentException($"width {shape.Width} is not a multiple of {shape.Heads} heads", nameof(shape));
        var modelPath = Path.Combine(directory, shape.Name + ".onnx");
        var dataPath = modelPath + ".data";
        var location = Path.GetFileName(dataPath);
        var graph = new OnnxGraphBuilder(shape.Name);
        using (var data = WeightWriter.Create(dataPath, location, graph, seed))
        {
            Build(graph, shape, data, withPast: false, cancellationToken);
        }
        File.WriteAllBytes(modelPath, graph.ToModel(producer: Producer).ToByteArray());
        if (!withPast) return new(modelPath, dataPath, null);

        // The same tensors in the same order land at the same offsets: declare them without writing the file again.
        var withPastPath = Path.Combine(directory, shape.Name + "-with-past.onnx");
        var pastGraph = new OnnxGraphBuilder(shape.Name + "-with-past");
        using (var declared = WeightWriter.DeclareOnly(location, pastGraph))
        {
            Build(pastGraph, shape, declared, withPast: true, cancellationToken);
        }
        File.WriteAllBytes(withPastPath, pastGraph.ToModel(producer: Producer).ToByteArray());
        return new(modelPath, dataPath, withPastPath);
    }

    private const string Producer = "InverseScaling.Benchmark synthetic";

    private static void Build(OnnxGraphBuilder g, SyntheticDecoderShape s, WeightWriter w, bool withPast, CancellationToken cancellationToken)
    {
        int d = s.Width, heads = s.Heads, headSize = d / heads;
        g.Input("input_ids", DataType.Int64, "batch", "sequence")
            .Input("attention_mask", DataType.Int64, "batch", withPast ? "total" : "sequence")
            .Input("position_ids", DataType.Int64, "batch", "sequence")
            .Output("logits", DataType.Float, "batch", "sequence", s.Vocabulary);
        for (var l = 0; l < s.Layers && withPast; l++)
        {
            foreach (var part in new[] { "key", "value" })
            {
                g.Input($"past_key_values.{l}.{part}", DataType.Float, "batch", heads, "past", headSize)
                    .Output($"present.{l}.{part}", DataType.Float, "batch", heads, "total", headSize);
            }
        }
        w.Random("wte", Std, s.Vocabulary, d);
        w.Random("wpe", Std / 2, s.Context, d);
        Constant(g, "one", 1f);
        Constant(g, "big", 1e9f);
        Constant(g, "half", 0.5f);
        Constant(g, "inv_sqrt2", (float)(1 / Math.Sqrt(2)));
        Constant(g, "scale", (float)(1 / Math.Sqrt(headSize)));
        Constant(g, "heads_shape", 0, 0, heads, headSize);
        Constant(g, "width_shape", 0, 0, d);
        Constant(g, "mask_axes", 1, 2);
        Constant(g, "qkv_split", d, d, d);
        g.Node("Gather", ["wte", "input_ids"], ["tok"])
            .Node("Gather", ["wpe", "position_ids"], ["pos"])
            .Node("Add", ["tok", "pos"], ["h_0"]);

        // Additive bias [batch, 1, new, total]: −1e9 where a key lies after its query (key j > past + i) or is padding, 0
        // elsewhere; total = past + new is the attention mask's length (without a past, the two lengths are equal).
        Constant(g, "axis_zero", [0L]);
        g.Node("Shape", ["input_ids"], ["new_len"], OnnxGraphBuilder.Attribute("start", 1L))
            .Node("Shape", ["attention_mask"], ["total_len"], OnnxGraphBuilder.Attribute("start", 1L))
            .Node("Sub", ["total_len", "new_len"], ["past_len_1"])
            .Node("Squeeze", ["past_len_1", "axis_zero"], ["past_len"])
            .Node("Concat", ["new_len", "total_len"], ["rectangle"], OnnxGraphBuilder.Attribute("axis", 0L))
            .Node("Expand", ["one", "rectangle"], ["ones"])
            .Node("Trilu", ["ones", "past_len"], ["lower"], OnnxGraphBuilder.Attribute("upper", 0L))
            .Node("Sub", ["lower", "one"], ["causal_0"])
            .Node("Mul", ["causal_0", "big"], ["causal"])
            .Node("Cast", ["attention_mask"], ["mask_f"], OnnxGraphBuilder.Attribute("to", (long)DataType.Float))
            .Node("Sub", ["mask_f", "one"], ["pad_0"])
            .Node("Mul", ["pad_0", "big"], ["pad_1"])
            .Node("Unsqueeze", ["pad_1", "mask_axes"], ["pad"])
            .Node("Add", ["pad", "causal"], ["bias"]);

        var residual = Std / (float)Math.Sqrt(2.0 * s.Layers);
        for (var l = 0; l < s.Layers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string P(string name) => $"l{l}_{name}";
            var h = $"h_{l}";
            LayerNorm(g, w, P("ln1"), h, P("a"), d);
            Linear(g, w, P("qkv"), P("a"), P("qkv"), d, 3 * d, Std);
            g.Node("Split", [P("qkv"), "qkv_split"], [P("q"), P("k"), P("v")], OnnxGraphBuilder.Attribute("axis", 2L));
            foreach (var part in new[] { "q", "k", "v" })
            {
                g.Node("Reshape", [P(part), "heads_shape"], [P(part + "4")])
                    .Node("Transpose", [P(part + "4")], [P(part + "h")], OnnxGraphBuilder.Attribute("perm", 0L, 2, 1, 3));
            }
            var (keys, values) = (P("kh"), P("vh"));
            if (withPast)
            {
                (keys, values) = ($"present.{l}.key", $"present.{l}.value");
                g.Node("Concat", [$"past_key_values.{l}.key", P("kh")], [keys], OnnxGraphBuilder.Attribute("axis", 2L))
                    .Node("Concat", [$"past_key_values.{l}.value", P("vh")], [values], OnnxGraphBuilder.Attribute("axis", 2L));
            }
            g.Node("Transpose", [keys], [P("kt")], OnnxGraphBuilder.Attribute("perm", 0L, 1, 3, 2))
                .Node("MatMul", [P("qh"), P("kt")], [P("s0")])
                .Node("Mul", [P("s0"), "scale"], [P("s1")])
                .Node("Add", [P("s1"), "bias"], [P("s2")])
                .Node("Softmax", [P("s2")], [P("p")], OnnxGraphBuilder.Attribute("axis", -1L))
                .Node("MatMul", [P("p"), values], [P("c0")])
                .Node("Transpose", [P("c0")], [P("c1")], OnnxGraphBuilder.Attribute("perm", 0L, 2, 1, 3))
                .Node("Reshape", [P("c1"), "width_shape"], [P("c")]);
            Linear(g, w, P("attn_out"), P("c"), P("o"), d, d, residual);
            g.Node("Add", [h, P("o")], [P("h1")]);
            LayerNorm(g, w, P("ln2"), P("h1"), P("a2"), d);
            Linear(g, w, P("fc"), P("a2"), P("f"), d, 4 * d, Std);
            g.Node("Mul", [P("f"), "inv_sqrt2"], [P("g0")])
                .Node("Erf", [P("g0")], [P("g1")])
                .Node("Add", [P("g1"), "one"], [P("g2")])
                .Node("Mul", [P("f"), P("g2")], [P("g3")])
                .Node("Mul", [P("g3"), "half"], [P("g")]);
            Linear(g, w, P("proj"), P("g"), P("m"), 4 * d, d, residual);
            g.Node("Add", [P("h1"), P("m")], [$"h_{l + 1}"]);
        }
        LayerNorm(g, w, "ln_f", $"h_{s.Layers}", "hf", d);
        // As torch exports GPT-2's tied head: a MatMul by the transposed token table, which the gathered head recognizes.
        g.Node("Transpose", ["wte"], ["wte_t"], OnnxGraphBuilder.Attribute("perm", 1L, 0))
            .Node("MatMul", ["hf", "wte_t"], ["logits"]);
    }

    private static void LayerNorm(OnnxGraphBuilder g, WeightWriter w, string name, string input, string output, int d)
    {
        w.Fill(name + "_g", 1f, d);
        w.Fill(name + "_b", 0f, d);
        g.Node("LayerNormalization", [input, name + "_g", name + "_b"], [output],
            OnnxGraphBuilder.Attribute("axis", -1L), OnnxGraphBuilder.Attribute("epsilon", 1e-5f));
    }

    private static void Linear(OnnxGraphBuilder g, WeightWriter w, string name, string input, string output, int inputs, int outputs, float std)
    {
        w.Random(name + "_w", std, inputs, outputs);
        w.Fill(name + "_b", 0f, outputs);
        g.Node("MatMul", [input, name + "_w"], [name + "_mm"]).Node("Add", [name + "_mm", name + "_b"], [output]);
    }

    private static void Constant(OnnxGraphBuilder g, string name, float value) =>
        g.Node("Constant", [], [name], OnnxGraphBuilder.Attribute("value_float", value));

    private static void Constant(OnnxGraphBuilder g, string name, params ReadOnlySpan<long> values) =>
        g.Node("Constant", [], [name], OnnxGraphBuilder.Attribute("value_ints", values));

    /// <summary>
    /// Appends float32 tensors to the external-data file, each at a 4 KiB-aligned offset, and declares them on the graph;
    /// <see cref="DeclareOnly"/> declares the same offsets without drawing or writing anything.
    /// </summary>
    private sealed class WeightWriter : IDisposable
    {
        private readonly FileStream? stream;
        private readonly string location;
        private readonly OnnxGraphBuilder graph;
        private readonly float[] buffer = new float[1 << 16];
        private SplitMix64 random;
        private long position;

        private WeightWriter(FileStream? stream, string location, OnnxGraphBuilder graph, ulong seed)
        {
            this.stream = stream;
            this.location = location;
            this.graph = graph;
            random = new(seed);
        }

        public static WeightWriter Create(string path, string location, OnnxGraphBuilder graph, ulong seed) =>
            new(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20), location, graph, seed);

        public static WeightWriter DeclareOnly(string location, OnnxGraphBuilder graph) => new(null, location, graph, 0);

        /// <summary>Uniform on [−√3·std, √3·std): standard deviation <paramref name="std"/>.</summary>
        public void Random(string name, float std, params ReadOnlySpan<long> dims)
        {
            var half = std * MathF.Sqrt(3f);
            Write(name, dims, span =>
            {
                for (var i = 0; i < span.Length; i++) span[i] = (float)((random.NextUInt64() >> 40) * (1.0 / (1 << 24)) * 2 - 1) * half;
            });
        }

        public void Fill(string name, float value, params ReadOnlySpan<long> dims) => Write(name, dims, span => span.Fill(value));

        private void Write(string name, ReadOnlySpan<long> dims, Action<Span<float>> fill)
        {
            var padding = (Alignment - position % Alignment) % Alignment;
            for (var i = 0; i < padding && stream is not null; i++) stream.WriteByte(0);
            position += padding;
            var offset = position;
            long count = 1;
            foreach (var dim in dims) count *= dim;
            for (long done = 0; done < count && stream is not null;)
            {
                var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, count - done));
                fill(chunk);
                stream.Write(MemoryMarshal.AsBytes(chunk));
                done += chunk.Length;
            }
            position += count * sizeof(float);
            graph.ExternalInitializer(name, DataType.Float, dims, location, offset, count * sizeof(float));
        }

        public void Dispose() => stream?.Dispose();
    }
}

/// <summary>The files <see cref="SyntheticDecoder.Write"/> wrote: the plain export, its weights, and the with-past export when asked for.</summary>
internal sealed record SyntheticExport(string Model, string Data, string? WithPast);
