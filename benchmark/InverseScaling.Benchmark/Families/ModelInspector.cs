using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Onnx;

namespace InverseScaling.Benchmark.Families;

/// <summary>What an exported decoder's ONNX file says about the model: its size, the longest input it takes, its files.</summary>
/// <param name="Parameters">Every weight once: a head tied to the embedding (or a transposed copy of it) counts once; quantized weights count by their logical size.</param>
/// <param name="NonEmbeddingParameters"><see cref="Parameters"/> less the token and position embeddings and an untied output head.</param>
/// <param name="PositionLimit">Rows of the smallest position table or rotary cache; null when positions are computed without a table.</param>
/// <param name="ExternalData">Absolute paths of the files that hold the model's external initializers, in name order.</param>
/// <param name="TiedHead">The head reads the token embedding (or an equal copy of it).</param>
internal sealed record ModelFacts(long Parameters, long NonEmbeddingParameters, int? PositionLimit, IReadOnlyList<string> ExternalData, bool TiedHead);

/// <summary>
/// Reads <see cref="ModelFacts"/> from an ONNX file's graph and initializer headers (<see cref="OnnxModelFile.ReadStructure"/>),
/// without loading external weights; only a head that may be a copy of the embedding has values compared.
/// </summary>
internal static class ModelInspector
{
    /// <summary>Inspects <paramref name="onnxPath"/>; a malformed file or an external-data path outside its folder fails naming the file.</summary>
    public static ModelFacts Inspect(string onnxPath, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(onnxPath);
        var structure = OnnxModelFile.ReadStructure(path, cancellationToken: cancellationToken);
        var graph = new GraphIndex(structure);
        var externalData = ExternalFiles(path, structure);
        var (tokenTables, positionTables, limit) = Tables(structure, graph);

        var metadata = graph.MetadataTensors();
        var tied = false;
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        var untied = new List<OnnxInitializer>();
        using (var values = new TensorValues(path))
        {
            foreach (var head in graph.HeadWeights())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (tokenTables.Contains(head.Name))
                {
                    tied = true;
                }
                else if (tokenTables.Select(graph.Initializer).Any(e => e is not null && values.SameValues(head, e)))
                {
                    tied = true;
                    duplicates.Add(head.Name);
                }
                else if (!positionTables.Contains(head.Name))
                {
                    untied.Add(head);
                }
            }
        }

        long total = 0, embeddings = 0;
        foreach (var init in graph.Unique)
        {
            if (metadata.Contains(init.Name) || duplicates.Contains(init.Name)) continue;
            var size = graph.LogicalSize(init);
            total += size;
            if (tokenTables.Contains(init.Name) || positionTables.Contains(init.Name)) embeddings += size;
        }
        var headSize = untied.Where(h => !metadata.Contains(h.Name)).Sum(graph.LogicalSize);
        if (total == 0) throw new BenchmarkInputException(path, "the model has no weights", "export the model with its weights (initializers)");
        return new ModelFacts(total, total - embeddings - headSize, limit, externalData, tied);
    }

    /// <summary>
    /// What a hand-written manifest is checked against, without comparing any weights: the rows of the position table and
    /// the external-data files. Null for a file that is not ONNX at all (the runtime reports that one when it opens it).
    /// </summary>
    internal static (int? PositionLimit, IReadOnlyList<string> ExternalData)? TryLimits(string onnxPath, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(onnxPath);
        OnnxGraphStructure structure;
        try
        {
            structure = OnnxModelFile.ReadStructure(path, cancellationToken: cancellationToken);
        }
        catch (BenchmarkInputException e) when (e.Data.Contains(OnnxModelFile.NotOnnxKey))
        {
            return null;
        }
        return (Tables(structure, new GraphIndex(structure)).Limit, ExternalFiles(path, structure));
    }

    /// <summary>Token tables (read by a Gather of input_ids), position tables (other Gathers), and the fewest rows of a position table or rotary cache.</summary>
    private static (HashSet<string> Tokens, HashSet<string> Positions, int? Limit) Tables(OnnxGraphStructure structure, GraphIndex graph)
    {
        var tokenTables = new HashSet<string>(StringComparer.Ordinal);
        var positionTables = new HashSet<string>(StringComparer.Ordinal);
        int? limit = null;
        foreach (var node in structure.Nodes)
        {
            if (node.OpType is "Gather" or "GatherBlockQuantized" && node.Inputs.Count > 1
                && graph.WeightBehind(node.Inputs[0]) is { Dims.Count: 2 } table)
            {
                if (graph.Reaches(node.Inputs[1], "input_ids")) tokenTables.Add(table.Name);
                else
                {
                    positionTables.Add(table.Name);
                    limit = Min(limit, table.Dims[0]);
                }
            }
            var cosSlot = node.OpType switch { "GroupQueryAttention" => 7, "RotaryEmbedding" => 2, _ => -1 };
            if (cosSlot > 0 && node.Inputs.Count > cosSlot && graph.Initializer(node.Inputs[cosSlot]) is { Dims.Count: 2 } cos)
            {
                limit = Min(limit, cos.Dims[0]);
            }
        }
        return (tokenTables, positionTables, limit);
    }

    private static int? Min(int? current, long rows)
    {
        var value = (int)Math.Min(rows, int.MaxValue);
        return current is { } c ? Math.Min(c, value) : value;
    }

    /// <summary>The external-data files the initializers name (the reader keeps them inside the model's folder), each a present, bounded regular file.</summary>
    private static IReadOnlyList<string> ExternalFiles(string path, OnnxGraphStructure structure)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var external in structure.Initializers.Select(i => i.External).OfType<OnnxExternalData>().DistinctBy(e => e.FullPath))
        {
            if (!File.Exists(external.FullPath) && !Directory.Exists(external.FullPath))
            {
                throw new BenchmarkInputException(path, $"external data {TextExcerpt.Quote(external.Location)} does not exist (looked for {external.FullPath})",
                    "copy the external data file (for example model.onnx_data or model.onnx.data) beside the .onnx file");
            }
            InputFile.Check(external.FullPath, InputLimits.ModelDataBytes, path, null, $"external data {TextExcerpt.Quote(external.Location)}");
            files.Add(external.FullPath);
        }
        return files.ToArray();
    }
}
