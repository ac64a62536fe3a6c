using InverseScaling.Benchmark.Onnx;

namespace InverseScaling.Benchmark.Families;

/// <summary>
/// Look-ups over an <see cref="OnnxGraphStructure"/> (subgraphs included): initializers by name, the nodes that produce and
/// consume a value, and the roles the exporters give weights (quantization metadata, embeddings, the output head).
/// </summary>
internal sealed class GraphIndex
{
    private const int MaxWalk = 32;

    /// <summary>Ops that pass a tensor on unchanged in value (or only in layout or type) through their first input.</summary>
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal)
    {
        "Cast", "Reshape", "Identity", "Squeeze", "Unsqueeze", "Flatten", "Expand", "Transpose", "Slice", "DequantizeLinear",
    };

    /// <summary>Ops whose second input is the weight of a linear layer.</summary>
    private static readonly HashSet<string> Linear = new(StringComparer.Ordinal)
    {
        "MatMul", "Gemm", "MatMulNBits", "MatMulInteger", "DynamicQuantizeMatMul", "FusedMatMul", "MatMulIntegerToFloat",
    };

    /// <summary>Inputs that hold quantization scales and zero points, or rotary tables, never parameters.</summary>
    private static readonly Dictionary<string, int[]> MetadataSlots = new(StringComparer.Ordinal)
    {
        ["DequantizeLinear"] = [1, 2],
        ["QuantizeLinear"] = [1, 2],
        ["MatMulInteger"] = [2, 3],
        ["MatMulIntegerToFloat"] = [2, 3, 4, 5],
        ["DynamicQuantizeMatMul"] = [2, 3],
        ["MatMulNBits"] = [2, 3, 4],
        ["GatherBlockQuantized"] = [2, 3],
        ["QLinearMatMul"] = [1, 2, 4, 5, 6, 7],
        ["GroupQueryAttention"] = [7, 8],
        ["RotaryEmbedding"] = [2, 3],
    };

    private static readonly string[] RotaryNames = ["inv_freq", "cos_cache", "sin_cache", "cos_cached", "sin_cached"];

    private readonly Dictionary<string, OnnxInitializer> initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(OnnxNode Node, int Slot)>> consumers = new(StringComparer.Ordinal);

    public GraphIndex(OnnxGraphStructure scan)
    {
        foreach (var init in scan.Initializers) initializers.TryAdd(init.Name, init);
        foreach (var node in scan.Nodes)
        {
            foreach (var output in node.Outputs.Where(o => o.Length > 0)) Add(producers, output, node);
            for (var i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length > 0) Add(consumers, node.Inputs[i], (node, i));
            }
        }
        Unique = initializers.Values.ToArray();
    }

    /// <summary>Each initializer once (the first of a name).</summary>
    public IReadOnlyList<OnnxInitializer> Unique { get; }

    public OnnxInitializer? Initializer(string name) => initializers.GetValueOrDefault(name);

    /// <summary>Initializers that are quantization scales or zero points, rotary tables, or the scale a DynamicQuantizeLinear output is multiplied with.</summary>
    public HashSet<string> MetadataTensors()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var init in initializers.Values)
        {
            if (RotaryNames.Any(r => init.Name.Contains(r, StringComparison.OrdinalIgnoreCase))) names.Add(init.Name);
        }
        foreach (var (name, uses) in consumers)
        {
            if (!initializers.ContainsKey(name)) continue;
            foreach (var (node, slot) in uses)
            {
                if (MetadataSlots.TryGetValue(node.OpType, out var slots) && slots.Contains(slot)) names.Add(name);
                if (node.OpType == "Mul" && node.Inputs.Any(i => producers.GetValueOrDefault(i)?.Any(p => p.OpType == "DynamicQuantizeLinear" && p.Outputs.Count > 1 && p.Outputs[1] == i) == true))
                {
                    names.Add(name);
                }
            }
        }
        return names;
    }

    /// <summary>The initializer a value is read from, through layout, type and dequantization ops; null for a computed value.</summary>
    public OnnxInitializer? WeightBehind(string name)
    {
        for (var step = 0; step < MaxWalk; step++)
        {
            if (initializers.TryGetValue(name, out var init)) return init;
            if (producers.GetValueOrDefault(name) is not [var node, ..] || !PassThrough.Contains(node.OpType) || node.Inputs.Count == 0) return null;
            name = node.Inputs[0];
        }
        return null;
    }

    /// <summary>True when <paramref name="name"/> is computed from the graph input <paramref name="input"/> through pass-through ops only.</summary>
    public bool Reaches(string name, string input)
    {
        for (var step = 0; step < MaxWalk; step++)
        {
            if (name == input) return true;
            if (producers.GetValueOrDefault(name) is not [var node, ..] || !PassThrough.Contains(node.OpType) || node.Inputs.Count == 0) return false;
            name = node.Inputs[0];
        }
        return false;
    }

    /// <summary>
    /// The weights of the linear layers that produce <c>logits</c>: the nearest one upstream of each producer (one per
    /// branch of a merged decoder), past a bias, a softcap, or the cast and rescaling of an integer matmul.
    /// </summary>
    public IReadOnlyList<OnnxInitializer> HeadWeights()
    {
        var heads = new Dictionary<string, OnnxInitializer>(StringComparer.Ordinal);
        foreach (var producer in producers.GetValueOrDefault("logits") ?? [])
        {
            var queue = new Queue<(OnnxNode Node, int Depth)>([(producer, 0)]);
            var seen = new HashSet<OnnxNode>(ReferenceEqualityComparer.Instance) { producer };
            while (queue.TryDequeue(out var item))
            {
                var (node, depth) = item;
                if (Linear.Contains(node.OpType))
                {
                    if (node.Inputs.Count > 1 && WeightBehind(node.Inputs[1]) is { } weight) heads.TryAdd(weight.Name, weight);
                    break;
                }
                if (node.OpType == "If" || depth >= 8) continue;
                foreach (var input in node.Inputs.Where(i => i.Length > 0 && !initializers.ContainsKey(i)))
                {
                    foreach (var upstream in producers.GetValueOrDefault(input) ?? [])
                    {
                        if (seen.Add(upstream)) queue.Enqueue((upstream, depth + 1));
                    }
                }
            }
        }
        return heads.Values.ToArray();
    }

    /// <summary>
    /// The number of weights a tensor stands for: MatMulNBits' K × N, a packed 4-bit table's values, an integer weight's
    /// elements, a floating-point tensor's elements (scalars and integer constants count 0).
    /// </summary>
    public long LogicalSize(OnnxInitializer init)
    {
        var uses = consumers.GetValueOrDefault(init.Name) ?? [];
        foreach (var (node, slot) in uses)
        {
            if (node.OpType == "MatMulNBits" && slot == 1 && node.Attributes.TryGetValue("K", out var k) && node.Attributes.TryGetValue("N", out var n)) return k * n;
            if (node.OpType == "GatherBlockQuantized" && slot == 0)
            {
                var bits = node.Attributes.GetValueOrDefault("bits", 4);
                return Kind(init) is 2 or 3 && bits is > 0 and < 8 ? init.ElementCount * (8 / bits) : init.ElementCount;
            }
        }
        if (init.Dims.Count == 0 || init.ElementCount <= 1) return 0;
        if (Kind(init) is 1 or 10 or 11 or 16) return init.ElementCount;
        var integerWeight = Kind(init) is 2 or 3 or 4 or 5 or 21 or 22
            && uses.Any(u => u.Node.OpType switch
            {
                "MatMulInteger" or "MatMulIntegerToFloat" => u.Slot is 0 or 1,
                "DequantizeLinear" or "Gather" => u.Slot == 0,
                "DynamicQuantizeMatMul" => u.Slot == 1,
                "QLinearMatMul" => u.Slot == 3,
                _ => false,
            });
        return integerWeight ? init.ElementCount : 0;
    }

    /// <summary>The ONNX element type number (1 float, 10 float16, 11 double, 16 bfloat16, 2/3 uint8/int8, …).</summary>
    private static int Kind(OnnxInitializer init) => (int)init.ElementType;

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }
}
