using System.Text;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Families;

/// <summary>
/// What <see cref="ModelInspector"/> needs from an ONNX file, read without its weights: initializers (name, element
/// type, shape, where their bytes are), nodes of the graph and of its subgraphs, and the graph's input and output names.
/// </summary>
/// <remarks>
/// Temporary: a minimal reader of the protobuf wire format until the shared reader in <c>Onnx/</c> lands on main; it is
/// then replaced by that one. Bounded: every length is checked against its parent's end, strings are capped, and
/// subgraphs nest at most <see cref="MaxDepth"/> deep.
/// </remarks>
internal sealed record OnnxGraphScan(
    IReadOnlyList<OnnxInitializer> Initializers,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs)
{
    private const int MaxDepth = 8;
    private const int MaxString = 1 << 16;

    /// <summary>Reads <paramref name="path"/>; a file that is not an ONNX model fails naming the file.</summary>
    public static OnnxGraphScan Read(string path, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        var reader = new WireReader(stream, path);
        var initializers = new List<OnnxInitializer>();
        var nodes = new List<OnnxNode>();
        var inputs = new List<string>();
        var outputs = new List<string>();
        var sawGraph = false;
        try
        {
            while (reader.Position < stream.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (field, wire) = reader.Tag();
                if (field == 7 && wire == 2)
                {
                    sawGraph = true;
                    var end = reader.LengthEnd(stream.Length);
                    ReadGraph(reader, end, 0, initializers, nodes, inputs, outputs, cancellationToken);
                }
                else
                {
                    reader.Skip(wire, stream.Length);
                }
            }
        }
        catch (EndOfStreamException e)
        {
            throw NotOnnx(path, "it ends inside a record", e);
        }
        if (!sawGraph) throw NotOnnx(path, "it has no graph", null);
        return new OnnxGraphScan(initializers, nodes, inputs, outputs);
    }

    internal static BenchmarkInputException NotOnnx(string path, string why, Exception? inner) =>
        new(path, $"the file is not an ONNX model ({why})", "give the .onnx file the exporter wrote", inner: inner) { Data = { [NotOnnxKey] = true } };

    /// <summary>Marks (in <see cref="Exception.Data"/>) an error that says the file is not ONNX at all.</summary>
    internal const string NotOnnxKey = "isb.not-onnx";

    private static void ReadGraph(WireReader r, long end, int depth, List<OnnxInitializer> initializers, List<OnnxNode> nodes,
        List<string>? inputs, List<string>? outputs, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth) throw NotOnnx(r.Path, $"subgraphs nest deeper than {MaxDepth}", null);
        while (r.Position < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 2): nodes.Add(ReadNode(r, r.LengthEnd(end), depth, initializers, nodes, cancellationToken)); break;
                case (5, 2): initializers.Add(ReadTensor(r, r.LengthEnd(end))); break;
                case (11, 2): AddName(r, r.LengthEnd(end), inputs); break;
                case (12, 2): AddName(r, r.LengthEnd(end), outputs); break;
                default: r.Skip(wire, end); break;
            }
        }
    }

    private static void AddName(WireReader r, long end, List<string>? names)
    {
        string? name = null;
        while (r.Position < end)
        {
            var (field, wire) = r.Tag();
            if (field == 1 && wire == 2) name = r.String(end);
            else r.Skip(wire, end);
        }
        if (name is not null) names?.Add(name);
    }

    private static OnnxNode ReadNode(WireReader r, long end, int depth, List<OnnxInitializer> initializers, List<OnnxNode> nodes, CancellationToken cancellationToken)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, long>(StringComparer.Ordinal);
        string op = "", domain = "";
        while (r.Position < end)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 2): inputs.Add(r.String(end)); break;
                case (2, 2): outputs.Add(r.String(end)); break;
                case (4, 2): op = r.String(end); break;
                case (7, 2): domain = r.String(end); break;
                case (5, 2): ReadAttribute(r, r.LengthEnd(end), depth, attributes, initializers, nodes, cancellationToken); break;
                default: r.Skip(wire, end); break;
            }
        }
        return new OnnxNode(op, domain is "ai.onnx" ? "" : domain, inputs, outputs, attributes);
    }

    private static void ReadAttribute(WireReader r, long end, int depth, Dictionary<string, long> attributes, List<OnnxInitializer> initializers,
        List<OnnxNode> nodes, CancellationToken cancellationToken)
    {
        string? name = null;
        long? value = null;
        while (r.Position < end)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 2): name = r.String(end); break;
                case (3, 0): value = (long)r.Varint(); break;
                case (6, 2): ReadGraph(r, r.LengthEnd(end), depth + 1, initializers, nodes, null, null, cancellationToken); break;
                case (11, 2): ReadGraph(r, r.LengthEnd(end), depth + 1, initializers, nodes, null, null, cancellationToken); break;
                default: r.Skip(wire, end); break;
            }
        }
        if (name is not null && value is { } v) attributes[name] = v;
    }

    private static OnnxInitializer ReadTensor(WireReader r, long end)
    {
        var dims = new List<long>();
        var type = 0;
        string name = "";
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        long rawOffset = -1, rawLength = 0;
        var location = 0;
        while (r.Position < end)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 0): dims.Add((long)r.Varint()); break;
                case (1, 2):
                    var packedEnd = r.LengthEnd(end);
                    while (r.Position < packedEnd) dims.Add((long)r.Varint());
                    break;
                case (2, 0): type = (int)r.Varint(); break;
                case (8, 2): name = r.String(end); break;
                case (9, 2):
                    var rawEnd = r.LengthEnd(end);
                    rawOffset = r.Position;
                    rawLength = rawEnd - rawOffset;
                    r.Seek(rawEnd);
                    break;
                case (13, 2):
                    var entryEnd = r.LengthEnd(end);
                    string? key = null, val = null;
                    while (r.Position < entryEnd)
                    {
                        var (f, w) = r.Tag();
                        if (f == 1 && w == 2) key = r.String(entryEnd);
                        else if (f == 2 && w == 2) val = r.String(entryEnd);
                        else r.Skip(w, entryEnd);
                    }
                    if (key is not null && val is not null) external[key] = val;
                    break;
                case (14, 0): location = (int)r.Varint(); break;
                default: r.Skip(wire, end); break;
            }
        }
        OnnxExternalData? data = null;
        if (location == 1)
        {
            if (!external.TryGetValue("location", out var file) || file.Length == 0)
            {
                throw NotOnnx(r.Path, $"initializer {TextExcerpt.Quote(name)} is external but names no location", null);
            }
            data = new OnnxExternalData(file, ParseLong(external, "offset"), external.ContainsKey("length") ? ParseLong(external, "length") : -1);
        }
        return new OnnxInitializer(name, type, dims.ToArray(), data, rawOffset, rawLength);

        long ParseLong(Dictionary<string, string> entries, string key) =>
            !entries.TryGetValue(key, out var text) ? 0
            : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
            : throw NotOnnx(r.Path, $"initializer {TextExcerpt.Quote(name)} has external {key} {TextExcerpt.Quote(text)}", null);
    }

    /// <summary>Protobuf wire format over a seekable stream, with the position tracked for length checks.</summary>
    private sealed class WireReader(Stream stream, string path)
    {
        public string Path { get; } = path;

        public long Position => stream.Position;

        public (int Field, int Wire) Tag()
        {
            var key = Varint();
            var field = (int)(key >> 3);
            if (field <= 0) throw NotOnnx(Path, $"a record has field number {field} at byte {stream.Position}", null);
            return (field, (int)(key & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = stream.ReadByte();
                if (b < 0) throw new EndOfStreamException();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw NotOnnx(Path, $"a number at byte {stream.Position} is longer than 10 bytes", null);
        }

        /// <summary>Reads a length and returns where it ends, refusing one that runs past <paramref name="limit"/>.</summary>
        public long LengthEnd(long limit)
        {
            var length = Varint();
            var end = stream.Position + (long)Math.Min(length, long.MaxValue / 2);
            if (length > long.MaxValue / 2 || end > limit) throw NotOnnx(Path, $"a record at byte {stream.Position} runs past its end", null);
            return end;
        }

        public string String(long limit)
        {
            var end = LengthEnd(limit);
            var length = (int)Math.Min(end - stream.Position, int.MaxValue);
            if (length > MaxString) throw NotOnnx(Path, $"a name at byte {stream.Position} is {length} bytes long", null);
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        public void Seek(long position) => stream.Position = position;

        public void Skip(int wire, long limit)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Seek(Checked(stream.Position + 8, limit)); break;
                case 2: Seek(LengthEnd(limit)); break;
                case 5: Seek(Checked(stream.Position + 4, limit)); break;
                default: throw NotOnnx(Path, $"wire type {wire} at byte {stream.Position}", null);
            }
        }

        private long Checked(long position, long limit) =>
            position <= limit ? position : throw NotOnnx(Path, $"a record at byte {stream.Position} runs past its end", null);
    }
}

/// <summary>An initializer: ONNX element type number, shape, and where its bytes are (inline raw data or external).</summary>
internal sealed record OnnxInitializer(string Name, int DataType, long[] Dims, OnnxExternalData? External, long RawOffset, long RawLength)
{
    public long Elements
    {
        get
        {
            long n = 1;
            foreach (var d in Dims) n = checked(n * d);
            return n;
        }
    }
}

/// <summary>Where an external initializer's bytes are: a file relative to the model, an offset and a length (−1: to the end).</summary>
internal sealed record OnnxExternalData(string Location, long Offset, long Length);

/// <summary>A node: operator, domain ("" for ONNX), input and output names (empty for omitted optional ones), integer attributes.</summary>
internal sealed record OnnxNode(string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, long> Attributes);
