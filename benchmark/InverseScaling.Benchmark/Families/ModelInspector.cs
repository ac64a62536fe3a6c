using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Families;

/// <summary>What an exported decoder's ONNX file says about the model: its size, the longest input it takes, its files.</summary>
/// <param name="Parameters">Every weight once: a head tied to the embedding (or a transposed copy of it) counts once; quantized weights count by their logical size.</param>
/// <param name="NonEmbeddingParameters"><see cref="Parameters"/> less the token and position embeddings and an untied output head.</param>
/// <param name="PositionLimit">Rows of the smallest position table or rotary cache; null when positions are computed without a table.</param>
/// <param name="ExternalData">Absolute paths of the files that hold the model's external initializers, in name order.</param>
/// <param name="TiedHead">The head reads the token embedding (or an equal copy of it).</param>
public sealed record ModelFacts(long Parameters, long NonEmbeddingParameters, int? PositionLimit, IReadOnlyList<string> ExternalData, bool TiedHead);

/// <summary>Reads <see cref="ModelFacts"/> from an ONNX file's initializers and graph, without loading the weights.</summary>
public static class ModelInspector
{
    private const int TieSamples = 4096;

    /// <summary>Inspects <paramref name="onnxPath"/>; a malformed file or an external-data path outside its folder fails naming the file.</summary>
    public static ModelFacts Inspect(string onnxPath, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(onnxPath);
        var scan = OnnxGraphScan.Read(path, cancellationToken);
        var graph = new GraphIndex(scan);
        var externalData = ExternalFiles(path, scan);

        var metadata = graph.MetadataTensors();
        var tokenTables = new HashSet<string>(StringComparer.Ordinal);
        var positionTables = new HashSet<string>(StringComparer.Ordinal);
        int? limit = null;
        foreach (var node in scan.Nodes)
        {
            if (node.OpType is "Gather" or "GatherBlockQuantized" && node.Inputs.Count > 1
                && graph.WeightBehind(node.Inputs[0]) is { Dims.Length: 2 } table)
            {
                if (graph.Reaches(node.Inputs[1], "input_ids")) tokenTables.Add(table.Name);
                else
                {
                    positionTables.Add(table.Name);
                    limit = Min(limit, table.Dims[0]);
                }
            }
            var cosSlot = node.OpType switch { "GroupQueryAttention" => 7, "RotaryEmbedding" => 2, _ => -1 };
            if (cosSlot > 0 && node.Inputs.Count > cosSlot && graph.Initializer(node.Inputs[cosSlot]) is { Dims.Length: 2 } cos)
            {
                limit = Min(limit, cos.Dims[0]);
            }
        }

        var heads = graph.HeadWeights();
        var tied = false;
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        var untied = new List<OnnxInitializer>();
        foreach (var head in heads)
        {
            if (tokenTables.Contains(head.Name))
            {
                tied = true;
            }
            else if (tokenTables.Select(graph.Initializer).Any(e => e is not null && SameValues(path, head, e)))
            {
                tied = true;
                duplicates.Add(head.Name);
            }
            else if (!positionTables.Contains(head.Name))
            {
                untied.Add(head);
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

    /// <summary>As <see cref="Inspect"/>, but null for a file that is not ONNX at all (the runtime reports that one when it opens it).</summary>
    public static ModelFacts? TryInspect(string onnxPath, CancellationToken cancellationToken = default)
    {
        try
        {
            return Inspect(onnxPath, cancellationToken);
        }
        catch (BenchmarkInputException e) when (e.Data.Contains(OnnxGraphScan.NotOnnxKey))
        {
            return null;
        }
    }

    private static int? Min(int? current, long rows)
    {
        var value = (int)Math.Min(rows, int.MaxValue);
        return current is { } c ? Math.Min(c, value) : value;
    }

    /// <summary>The external-data files the initializers name, each inside the model's folder and present.</summary>
    private static IReadOnlyList<string> ExternalFiles(string path, OnnxGraphScan scan)
    {
        var folder = Path.GetDirectoryName(path)!;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var location in scan.Initializers.Where(i => i.External is not null).Select(i => i.External!.Location).Distinct(StringComparer.Ordinal))
        {
            var full = Path.GetFullPath(Path.Combine(folder, location));
            if (Path.IsPathRooted(location) || !full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new BenchmarkInputException(path, $"external data {TextExcerpt.Quote(location)} lies outside the model's folder",
                    "keep the external data files beside the .onnx file, as the exporters write them");
            }
            if (!File.Exists(full))
            {
                throw new BenchmarkInputException(path, $"external data {TextExcerpt.Quote(location)} does not exist (looked for {full})",
                    "copy the external data file (for example model.onnx_data or model.onnx.data) beside the .onnx file");
            }
            files.Add(full);
        }
        return files.ToArray();
    }

    /// <summary>
    /// True when <paramref name="head"/> holds the values of <paramref name="embedding"/> (same element type, the same
    /// shape or its transpose), checked at <see cref="TieSamples"/> positions spread over the table.
    /// </summary>
    private static bool SameValues(string modelPath, OnnxInitializer head, OnnxInitializer embedding)
    {
        if (head.DataType != embedding.DataType || head.Elements != embedding.Elements || head.Dims.Length != 2) return false;
        var transposed = head.Dims[0] == embedding.Dims[1] && head.Dims[1] == embedding.Dims[0];
        if (!transposed && !(head.Dims[0] == embedding.Dims[0] && head.Dims[1] == embedding.Dims[1])) return false;
        var width = head.DataType switch { 1 => 4, 10 or 16 => 2, 11 => 8, _ => 0 };
        if (width == 0) return false;
        using var a = TensorBytes.Open(modelPath, head, width);
        using var b = TensorBytes.Open(modelPath, embedding, width);
        if (a is null || b is null) return false;
        var rows = embedding.Dims[0];
        var columns = embedding.Dims[1];
        var samples = (int)Math.Min(TieSamples, embedding.Elements);
        Span<byte> x = stackalloc byte[8], y = stackalloc byte[8];
        for (var k = 0; k < samples; k++)
        {
            var flat = embedding.Elements <= TieSamples ? k : (long)((k + 0.5) * embedding.Elements / samples);
            var (r, c) = (flat / columns, flat % columns);
            b.Read(r * columns + c, y[..width]);
            a.Read(transposed ? c * rows + r : flat, x[..width]);
            if (!x[..width].SequenceEqual(y[..width])) return false;
        }
        return true;
    }

    /// <summary>Random access to one initializer's bytes, inline or external.</summary>
    private sealed class TensorBytes(FileStream stream, long start, int width) : IDisposable
    {
        public static TensorBytes? Open(string modelPath, OnnxInitializer tensor, int width)
        {
            string file;
            long start, length;
            if (tensor.External is { } external)
            {
                file = Path.Combine(Path.GetDirectoryName(modelPath)!, external.Location);
                (start, length) = (external.Offset, external.Length);
            }
            else if (tensor.RawOffset >= 0)
            {
                (file, start, length) = (modelPath, tensor.RawOffset, tensor.RawLength);
            }
            else
            {
                return null;
            }
            var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
            if (length >= 0 && length != tensor.Elements * width || start + tensor.Elements * width > stream.Length)
            {
                stream.Dispose();
                return null;
            }
            return new TensorBytes(stream, start, width);
        }

        public void Read(long index, Span<byte> into)
        {
            stream.Position = start + index * width;
            stream.ReadExactly(into);
        }

        public void Dispose() => stream.Dispose();
    }
}
