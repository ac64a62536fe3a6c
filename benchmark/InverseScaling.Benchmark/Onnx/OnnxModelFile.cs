using System.Globalization;
using Google.Protobuf;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Onnx.Protobuf;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Onnx;

/// <summary>
/// Reads and writes ONNX files through the generated protobuf types. Every read is bounded (protobuf's 2 GiB limit on
/// one message; larger models keep their weights as external data) and fails with one <see cref="BenchmarkInputException"/>
/// naming the file; sizes, shapes and external-data paths are checked before anyone uses them.
/// </summary>
internal static partial class OnnxModelFile
{
    /// <summary>The largest ONNX file read: one protobuf message cannot be larger.</summary>
    public const long MaxBytes = int.MaxValue;

    private const string Fix = "export the checkpoint to ONNX again (torch.onnx.export or optimum-cli export onnx) and point the manifest at the .onnx file";

    /// <summary>Inputs, outputs, initializer headers and metadata, skipping nodes and weight bytes.</summary>
    /// <param name="field">The manifest field that named the file, for messages.</param>
    /// <exception cref="BenchmarkInputException">Missing, too large, not an ONNX model, or with an impossible shape or external path.</exception>
    public static OnnxModelHeader ReadHeader(string path, string field = "onnx")
    {
        ModelHeaderProto model;
        using (var stream = Open(path, field))
        {
            model = Parse(path, () => ModelHeaderProto.Parser.WithDiscardUnknownFields(true).ParseFrom(stream));
        }
        if (model.Graph is null) throw NoGraph(path);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
        {
            if (!metadata.TryAdd(entry.Key, entry.Value)) throw Invalid(path, $"metadata key {TextExcerpt.Quote(entry.Key)} appears twice");
        }
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        return new OnnxModelHeader(
            path,
            model.IrVersion,
            opset,
            model.Graph.Input.Select(v => ToValue(path, v)).ToList(),
            model.Graph.Output.Select(v => ToValue(path, v)).ToList(),
            model.Graph.Initializer.Select(t => ToInitializer(path, t)).ToList(),
            metadata);
    }

    /// <summary>The whole model, weights included; fields this suite does not declare are kept, so it can be written back.</summary>
    public static ModelProto Read(string path, string field = "onnx")
    {
        using var stream = Open(path, field);
        var model = Parse(path, () => ModelProto.Parser.ParseFrom(stream));
        return model.Graph is null ? throw NoGraph(path) : model;
    }

    /// <summary>Writes <paramref name="model"/> atomically.</summary>
    public static void Write(string path, ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(path, model.WriteTo);
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> in the folder of <paramref name="model"/>, or null when it is empty,
    /// rooted, or leads out of that folder.
    /// </summary>
    public static string? ResolveBeside(string model, string relative)
    {
        if (string.IsNullOrWhiteSpace(relative) || Path.IsPathRooted(relative) || relative.Contains('\0')) return null;
        var folder = Path.GetDirectoryName(Path.GetFullPath(model))!;
        var full = Path.GetFullPath(Path.Combine(folder, relative));
        var inside = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return full.StartsWith(inside, StringComparison.Ordinal) ? full : null;
    }

    private static FileStream Open(string path, string field) =>
        InputFile.OpenRead(path, MaxBytes, "the ONNX file", $"point the checkpoint's files.{field}.path at an exported .onnx file");

    private static T Parse<T>(string path, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new BenchmarkInputException(path, $"the file is not an ONNX model (its protobuf cannot be read: {FirstLine(e.Message)})", Fix, inner: e) { Data = { [NotOnnxKey] = true } };
        }
    }

    private static OnnxValue ToValue(string path, ValueInfoProto value)
    {
        if (value.Type?.TensorType is not { } tensor)
        {
            throw Invalid(path, $"graph value {TextExcerpt.Quote(value.Name)} is not a tensor", value.Name);
        }
        var shape = new List<TensorDim>();
        foreach (var dim in tensor.Shape?.Dim ?? [])
        {
            if (dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            {
                if (dim.DimValue < 0) throw Invalid(path, $"graph value {TextExcerpt.Quote(value.Name)} has a dimension of {dim.DimValue}", value.Name);
                shape.Add(dim.DimValue);
            }
            else
            {
                shape.Add(new TensorDim(null, dim.DimParam));
            }
        }
        return new OnnxValue(value.Name, (DataType)tensor.ElemType, shape);
    }

    private static OnnxInitializer ToInitializer(string path, TensorHeaderProto tensor)
    {
        long count = 1;
        foreach (var dim in tensor.Dims)
        {
            if (dim < 0) throw Invalid(path, $"initializer {TextExcerpt.Quote(tensor.Name)} has a dimension of {dim}", tensor.Name);
            if (dim > 0 && count > long.MaxValue / dim) throw Invalid(path, $"initializer {TextExcerpt.Quote(tensor.Name)} has more than 2^63 elements", tensor.Name);
            count *= dim;
        }
        OnnxExternalData? external = null;
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            string? location = null;
            long offset = 0;
            long? length = null;
            foreach (var entry in tensor.ExternalData)
            {
                switch (entry.Key)
                {
                    case "location": location = entry.Value; break;
                    case "offset": offset = Size(path, tensor.Name, entry); break;
                    case "length": length = Size(path, tensor.Name, entry); break;
                }
            }
            var full = location is null ? null : ResolveBeside(path, location);
            if (full is null)
            {
                throw Invalid(path, $"initializer {TextExcerpt.Quote(tensor.Name)} keeps its data at {TextExcerpt.Quote(location)}, which is not a file inside the model's folder", tensor.Name);
            }
            external = new OnnxExternalData(location!, full, offset, length);
        }
        return new OnnxInitializer(tensor.Name, (DataType)tensor.DataType, tensor.Dims.ToArray(), count, external);
    }

    private static long Size(string path, string tensor, StringStringEntryProto entry) =>
        long.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(path, $"initializer {TextExcerpt.Quote(tensor)} has external {entry.Key} {TextExcerpt.Quote(entry.Value)}, not a whole number of bytes", tensor);

    private static BenchmarkInputException Invalid(string path, string problem, string? field = null) => new(path, problem, Fix, field: field);

    private static BenchmarkInputException NoGraph(string path) => new(path, "the file holds no ONNX graph", Fix) { Data = { [NotOnnxKey] = true } };

    /// <summary>Marks (in <see cref="Exception.Data"/>) an error that says the file is not an ONNX model at all.</summary>
    public const string NotOnnxKey = "isb.not-onnx";

    internal static string FirstLine(string message)
    {
        var end = message.IndexOf('\n');
        return (end < 0 ? message : message[..end]).Trim();
    }
}
