using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using InverseScaling.Benchmark.IO;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// A decoder exported with its key/value cache (optimum's with-past layout), run on ONNX Runtime's CPU provider.
/// Inputs: <c>input_ids</c>, <c>attention_mask</c> over past and new tokens, <c>past_key_values.N.key/value</c>
/// [batch, heads, past, head size], optionally <c>position_ids</c>, <c>use_cache_branch</c> and an optional
/// <c>logits_to_keep</c>; outputs <c>logits</c> and <c>present.N.key/value</c>. Prompts run left-padded, so that
/// <c>logits_to_keep</c> = 1 gives every row's next-token logits; new tokens run right-padded after the cached rows.
/// </summary>
public sealed partial class OnnxKeyValueLanguageModel : IKeyValueLanguageModel
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string PositionIds = "position_ids";
    private const string UseCacheBranch = "use_cache_branch";
    private const string LogitsToKeep = "logits_to_keep";
    private const string Logits = "logits";
    private const string WeightsShaKey = "isb.weights_sha256";
    private const string WeightsFileKey = "isb.weights_file";
    private const string Field = "onnxWithPast";

    private readonly InferenceSession session;
    private readonly string[] pastNames;
    private readonly string[] presentNames;
    private readonly string[] prefillOutputs;
    private readonly string[] logitsOnly = [Logits];
    private readonly bool positionIds;
    private readonly bool cacheBranch;
    private readonly bool halfLogits;
    private readonly TensorElementType pastType;
    private readonly int prefillChunk;

    private OnnxKeyValueLanguageModel(string path, InferenceSession session, KeyValueShape shape, TensorElementType pastType,
        bool positionIds, bool cacheBranch, bool keepsLast, bool halfLogits, OnnxModelOptions options)
    {
        Path = path;
        this.session = session;
        CacheShape = shape;
        this.pastType = pastType;
        this.positionIds = positionIds;
        this.cacheBranch = cacheBranch;
        PrefillComputesLastLogitsOnly = keepsLast;
        this.halfLogits = halfLogits;
        prefillChunk = options.PrefillChunk;
        pastNames = new string[2 * shape.Layers];
        presentNames = new string[2 * shape.Layers];
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            pastNames[2 * layer] = $"past_key_values.{layer}.key";
            pastNames[2 * layer + 1] = $"past_key_values.{layer}.value";
            presentNames[2 * layer] = $"present.{layer}.key";
            presentNames[2 * layer + 1] = $"present.{layer}.value";
        }
        prefillOutputs = [Logits, .. presentNames];
        VocabularySize = options.VocabularySize;
        MaxContext = options.MaxContext;
    }

    /// <summary>The ONNX file, as given to <see cref="Create"/>.</summary>
    public string Path { get; }

    public int VocabularySize { get; }

    public int MaxContext { get; }

    public KeyValueShape CacheShape { get; }

    public bool PrefillComputesLastLogitsOnly { get; }

    /// <summary>
    /// Opens a with-past export and checks its inputs and outputs. When its metadata names the file that holds its
    /// weights (<c>isb.weights_file</c>, <c>isb.weights_sha256</c>, written by the reference family's
    /// export_with_past.py), that file must have that sha256.
    /// </summary>
    /// <exception cref="BenchmarkInputException">The file is missing, not ONNX, or not a with-past decoder this class can feed.</exception>
    public static OnnxKeyValueLanguageModel Create(string path, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(path))
        {
            throw new BenchmarkInputException(path, "the ONNX file does not exist", $"point the checkpoint's files.{Field}.path at an exported with-past .onnx file");
        }
        CheckWeightsFile(path);

        var session = OnnxCausalLanguageModel.Open(path, options, Field);
        try
        {
            var halfLogits = OnnxCausalLanguageModel.CheckLogits(path, session, options.VocabularySize);
            var (shape, pastType) = PlanPast(path, session);
            var inputs = session.InputMetadata;
            var positionIds = inputs.ContainsKey(PositionIds);
            var cacheBranch = inputs.ContainsKey(UseCacheBranch);
            foreach (var (name, metadata) in inputs)
            {
                var known = name is InputIds or AttentionMask or PositionIds or UseCacheBranch or LogitsToKeep || PastName().IsMatch(name);
                if (!known)
                {
                    throw new BenchmarkInputException(path, $"the model has an input '{name}' the scorer does not know how to feed",
                        "export the with-past decoder with inputs input_ids, attention_mask, past_key_values.N.key/value and optionally position_ids, use_cache_branch and logits_to_keep",
                        field: name);
                }
                if (name is InputIds or AttentionMask or PositionIds && (metadata.ElementDataType != TensorElementType.Int64 || metadata.Dimensions.Length != 2))
                {
                    throw new BenchmarkInputException(path, $"input '{name}' is {metadata.ElementDataType} with {metadata.Dimensions.Length} dimensions; the scorer feeds int64 [batch, sequence]",
                        $"export '{name}' as int64 [batch, sequence]", field: name);
                }
                if (name is InputIds or AttentionMask or PositionIds) OnnxCausalLanguageModel.RequireDynamicAxes(path, name, metadata);
            }
            if (!inputs.ContainsKey(AttentionMask))
            {
                throw new BenchmarkInputException(path, "the with-past model has no 'attention_mask' input", "export the decoder with an attention_mask over past and new tokens");
            }
            var keepsLast = session.OverridableInitializerMetadata.TryGetValue(LogitsToKeep, out var keep) && keep.ElementDataType == TensorElementType.Int64
                || inputs.TryGetValue(LogitsToKeep, out keep) && keep.ElementDataType == TensorElementType.Int64;
            if (inputs.ContainsKey(LogitsToKeep) && !keepsLast)
            {
                throw new BenchmarkInputException(path, $"input '{LogitsToKeep}' is not int64", "export logits_to_keep as an int64 scalar", field: LogitsToKeep);
            }
            return new OnnxKeyValueLanguageModel(path, session, shape, pastType, positionIds, cacheBranch, keepsLast, halfLogits, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Forward(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        var ids = tokens.ToArray();
        var mask = RightPaddedMask(lengths, sequenceLength);
        using var outputs = Run(ids, mask, batch, sequenceLength, past: null, keepLast: false, logitsOnly, cancellationToken);
        DeliverAll(outputs[0], lengths, sequenceLength, consume);
    }

    public IKeyValueCache Prefill(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        var ids = new long[batch * sequenceLength];
        var mask = new long[batch * sequenceLength];
        for (var row = 0; row < batch; row++)
        {
            var length = lengths[row];
            var start = row * sequenceLength + sequenceLength - length;
            tokens.Slice(row * sequenceLength, length).CopyTo(ids.AsSpan(start, length));
            mask.AsSpan(start, length).Fill(1);
        }

        // Long prompts run in chunks of columns, each on the keys and values of the chunks before it: the causal score
        // matrices then cover about half the square instead of all of it.
        var chunk = prefillChunk > 0 && prefillChunk < sequenceLength ? prefillChunk : sequenceLength;
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        try
        {
            for (var start = 0; start < sequenceLength; start += chunk)
            {
                var width = Math.Min(chunk, sequenceLength - start);
                var chunkIds = ids;
                var chunkMask = mask;
                if (width < sequenceLength)
                {
                    chunkIds = new long[batch * width];
                    chunkMask = new long[batch * (start + width)];
                    for (var row = 0; row < batch; row++)
                    {
                        ids.AsSpan(row * sequenceLength + start, width).CopyTo(chunkIds.AsSpan(row * width));
                        mask.AsSpan(row * sequenceLength, start + width).CopyTo(chunkMask.AsSpan(row * (start + width)));
                    }
                }
                var past = outputs is null ? null : Enumerable.Range(1, pastNames.Length).Select(i => outputs[i]).ToList();
                var next = Run(chunkIds, chunkMask, batch, width, past, keepLast: PrefillComputesLastLogitsOnly, prefillOutputs, cancellationToken);
                outputs?.Dispose();
                outputs = next;
            }
        }
        catch
        {
            outputs?.Dispose();
            throw;
        }
        var lastChunk = sequenceLength - (sequenceLength - 1) / chunk * chunk;
        try
        {
            var logits = outputs![0];
            var kept = PrefillComputesLastLogitsOnly ? 1 : lastChunk;
            CheckShape(logits, batch, kept);
            var next = new float[batch * VocabularySize];
            var all = ReadLogits(logits);
            for (var row = 0; row < batch; row++)
            {
                all.Slice((row * kept + kept - 1) * VocabularySize, VocabularySize).CopyTo(next.AsSpan(row * VocabularySize));
            }
            var bad = LogSoftmax.IndexOfNonFinite(next);
            if (bad >= 0) throw LoglikelihoodScorer.NonFiniteLogits(Path, bad / VocabularySize, lengths[bad / VocabularySize] - 1, batch, sequenceLength);
            consume(next);
            return new Cache(outputs, mask, batch, sequenceLength);
        }
        catch
        {
            outputs!.Dispose();
            throw;
        }
    }

    public void Extend(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        if (cache is not Cache past || past.Disposed) throw new ArgumentException("the cache is not a live cache of this model", nameof(cache));
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        if (cacheRows.Length != batch) throw new ArgumentException($"{cacheRows.Length} cache rows for {batch} batch rows", nameof(cacheRows));
        foreach (var row in cacheRows)
        {
            if ((uint)row >= (uint)past.Rows) throw new ArgumentOutOfRangeException(nameof(cacheRows), row, $"the cache has {past.Rows} rows");
        }
        if (past.Length + sequenceLength > MaxContext)
        {
            throw new ArgumentException($"{past.Length} cached + {sequenceLength} new positions exceed the model's context of {MaxContext}", nameof(sequenceLength));
        }

        var width = past.Length + sequenceLength;
        var ids = tokens.ToArray();
        var mask = new long[batch * width];
        for (var row = 0; row < batch; row++)
        {
            past.Mask.AsSpan(cacheRows[row] * past.Length, past.Length).CopyTo(mask.AsSpan(row * width));
            mask.AsSpan(row * width + past.Length, lengths[row]).Fill(1);
        }

        var rows = cacheRows.ToArray();
        using var gathered = new DisposableList(pastNames.Length);
        for (var i = 0; i < pastNames.Length; i++)
        {
            gathered.Add(GatherRows(past.Outputs[1 + i], rows, past.Length));
        }
        using var outputs = Run(ids, mask, batch, sequenceLength, gathered.Values, keepLast: false, logitsOnly, cancellationToken);
        DeliverAll(outputs[0], lengths, sequenceLength, consume);
    }

    public void Dispose() => session.Dispose();

    private int CheckBatch(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength)
    {
        var batch = lengths.Length;
        if (batch == 0 || sequenceLength < 1 || tokens.Length != (long)batch * sequenceLength)
        {
            throw new ArgumentException($"tokens hold {tokens.Length} ids; expected batch {batch} × sequence {sequenceLength} (both at least 1)", nameof(tokens));
        }
        if (sequenceLength > MaxContext)
        {
            throw new ArgumentException($"sequence length {sequenceLength} exceeds the model's context of {MaxContext}", nameof(sequenceLength));
        }
        foreach (var length in lengths)
        {
            if (length < 1 || length > sequenceLength) throw new ArgumentException($"row length {length} outside 1..{sequenceLength}", nameof(lengths));
        }
        return batch;
    }

    /// <summary>One session run; <paramref name="past"/> null feeds an empty past.</summary>
    private IDisposableReadOnlyCollection<OrtValue> Run(long[] ids, long[] mask, int batch, int sequenceLength, IReadOnlyList<OrtValue>? past,
        bool keepLast, string[] fetch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var width = mask.Length / batch;
        var names = new List<string>(pastNames.Length + 5);
        var values = new List<OrtValue>(pastNames.Length + 5);
        var owned = new List<OrtValue>(pastNames.Length + 5);
        void Own(string name, OrtValue value)
        {
            names.Add(name);
            values.Add(value);
            owned.Add(value);
        }
        try
        {
            Own(InputIds, OrtValue.CreateTensorValueFromMemory(ids, [batch, sequenceLength]));
            Own(AttentionMask, OrtValue.CreateTensorValueFromMemory(mask, [batch, width]));
            if (positionIds) Own(PositionIds, OrtValue.CreateTensorValueFromMemory(Positions(mask, batch, sequenceLength), [batch, sequenceLength]));
            if (cacheBranch) Own(UseCacheBranch, OrtValue.CreateTensorValueFromMemory(new[] { past is not null }, [1]));
            if (keepLast) Own(LogitsToKeep, OrtValue.CreateTensorValueFromMemory(new[] { 1L }, []));
            for (var i = 0; i < pastNames.Length; i++)
            {
                names.Add(pastNames[i]);
                if (past is null)
                {
                    var empty = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, pastType, [batch, CacheShape.Heads, 0, CacheShape.HeadSize]);
                    values.Add(empty);
                    owned.Add(empty);
                }
                else
                {
                    values.Add(past[i]);
                }
            }

            using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
            try
            {
                return session.Run(runOptions, names, values, fetch);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            foreach (var value in owned) value.Dispose();
        }
    }

    /// <summary>cumsum(mask) − 1 over past and new positions, clamped at 0, for the new positions.</summary>
    private static long[] Positions(long[] mask, int batch, int sequenceLength)
    {
        var width = mask.Length / batch;
        var positions = new long[batch * sequenceLength];
        for (var row = 0; row < batch; row++)
        {
            long seen = 0;
            for (var t = 0; t < width; t++)
            {
                seen += mask[row * width + t];
                if (t >= width - sequenceLength) positions[row * sequenceLength + t - (width - sequenceLength)] = Math.Max(0, seen - 1);
            }
        }
        return positions;
    }

    private static long[] RightPaddedMask(ReadOnlySpan<int> lengths, int sequenceLength)
    {
        var mask = new long[lengths.Length * sequenceLength];
        for (var row = 0; row < lengths.Length; row++) mask.AsSpan(row * sequenceLength, lengths[row]).Fill(1);
        return mask;
    }

    /// <summary>A new [rows, heads, length, head size] tensor holding the given rows of a present output.</summary>
    private OrtValue GatherRows(OrtValue present, int[] rows, int length)
    {
        var source = present.GetTensorMutableRawData();
        var block = (int)(source.Length / present.GetTensorTypeAndShape().Shape[0]);
        var gathered = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, pastType, [rows.Length, CacheShape.Heads, length, CacheShape.HeadSize]);
        var destination = gathered.GetTensorMutableRawData();
        for (var i = 0; i < rows.Length; i++) source.Slice(rows[i] * block, block).CopyTo(destination.Slice(i * block, block));
        return gathered;
    }

    private ReadOnlySpan<float> ReadLogits(OrtValue logits)
    {
        if (!halfLogits) return logits.GetTensorDataAsSpan<float>();
        var half = logits.GetTensorDataAsSpan<Float16>();
        var converted = new float[half.Length];
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(half), converted);
        return converted;
    }

    private void DeliverAll(OrtValue logits, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume)
    {
        CheckShape(logits, lengths.Length, sequenceLength);
        var all = ReadLogits(logits);
        for (var row = 0; row < lengths.Length; row++)
        {
            var bad = LogSoftmax.IndexOfNonFinite(all.Slice(row * sequenceLength * VocabularySize, lengths[row] * VocabularySize));
            if (bad >= 0) throw LoglikelihoodScorer.NonFiniteLogits(Path, row, bad / VocabularySize, lengths.Length, sequenceLength);
        }
        consume(all);
    }

    private void CheckShape(OrtValue logits, int batch, int positions)
    {
        var shape = logits.GetTensorTypeAndShape().Shape;
        if (shape.Length == 3 && shape[0] == batch && shape[1] == positions && shape[2] == VocabularySize) return;
        if (shape.Length == 3 && shape[0] == batch && shape[1] == positions) throw OnnxCausalLanguageModel.VocabularyMismatch(Path, shape[2], VocabularySize);
        throw new BenchmarkInputException(Path,
            $"the 'logits' output has shape [{string.Join(", ", shape)}]; expected [{batch}, {positions}, {VocabularySize}]",
            "export the with-past decoder with logits [batch, sequence, vocabulary] (or the last logits_to_keep positions)", field: Logits);
    }

    /// <summary>The layers, heads and head size from the past inputs, which must come in complete key/value pairs with matching present outputs.</summary>
    private static (KeyValueShape Shape, TensorElementType Type) PlanPast(string path, InferenceSession session)
    {
        var layers = new SortedDictionary<int, int>();
        long heads = -1, headSize = -1;
        TensorElementType? type = null;
        foreach (var (name, metadata) in session.InputMetadata)
        {
            var match = PastName().Match(name);
            if (!match.Success) continue;
            var dims = metadata.Dimensions;
            var typeKnown = metadata.ElementDataType is TensorElementType.Float or TensorElementType.Float16;
            if (!typeKnown || dims.Length != 4 || dims[1] <= 0 || dims[3] <= 0 || (type is { } t && t != metadata.ElementDataType)
                || (heads >= 0 && (dims[1] != heads || dims[3] != headSize)))
            {
                throw new BenchmarkInputException(path,
                    $"input '{name}' is {metadata.ElementDataType} [{string.Join(", ", dims)}]; every past input must be the same float or float16 [batch, heads, past, head_dim] with fixed heads and head_dim",
                    "export the past inputs with one element type and static head count and head size", field: name);
            }
            heads = dims[1];
            headSize = dims[3];
            type = metadata.ElementDataType;
            var layer = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            layers[layer] = layers.GetValueOrDefault(layer) + 1;
        }
        if (layers.Count == 0)
        {
            throw new BenchmarkInputException(path, "the model has no past_key_values.N.key/value inputs: it is not a with-past export",
                "list the plain export under files.onnx and a with-past export (past_key_values.* in, present.* out) under files.onnxWithPast");
        }
        var expected = 0;
        foreach (var (layer, count) in layers)
        {
            if (layer != expected++ || count != 2)
            {
                throw new BenchmarkInputException(path, $"the past inputs are not a key and a value for each of layers 0..{layers.Count - 1} (layer {layer})",
                    "export past_key_values.N.key and .value for every layer N", field: $"past_key_values.{layer}");
            }
            foreach (var kind in new[] { "key", "value" })
            {
                var present = $"present.{layer}.{kind}";
                if (!session.OutputMetadata.TryGetValue(present, out var output) || output.ElementDataType != type)
                {
                    throw new BenchmarkInputException(path, $"the model has no {type} output '{present}' for its input 'past_key_values.{layer}.{kind}'",
                        "export present.N.key/value outputs (past and new keys/values) for every layer", field: present);
                }
            }
        }
        return (new KeyValueShape(layers.Count, (int)heads, (int)headSize), type!.Value);
    }

    /// <summary>A file written by export_with_past.py keeps its weights in the plain export; that file must be the one it was made from.</summary>
    private static void CheckWeightsFile(string path)
    {
        // Metadata needs a session, which would already read the external weights; the keys are read from the protobuf text instead.
        var bytes = File.ReadAllBytes(path);
        var sha = FindMetadata(bytes, WeightsShaKey);
        var file = FindMetadata(bytes, WeightsFileKey);
        if (sha is null || file is null) return;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var weights = ContainedPath.Inside(folder, file, path, Field);
        if (!File.Exists(weights))
        {
            throw new BenchmarkInputException(path, $"its weights live in {TextExcerpt.Escape(file)}, which is not beside it", $"keep the with-past export in the folder of the plain export {TextExcerpt.Escape(file)}", field: Field);
        }
        // The name comes from the model file: it must stay beside it, and be a regular file of bounded size.
        weights = ContainedPath.Resolve(folder, file, path, Field, InputLimits.ModelBytes);
        var actual = FileHash.Sha256(weights);
        if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new BenchmarkInputException(path,
                $"its weights live in {TextExcerpt.Escape(file)}, which has sha256 {actual}, but the with-past export was made from a file with sha256 {sha}",
                "re-run export_with_past.py after re-exporting the plain checkpoint", field: Field);
        }
    }

    /// <summary>The value of a model metadata_props entry (StringStringEntryProto: key field 1, value field 2).</summary>
    internal static string? FindMetadata(ReadOnlySpan<byte> model, string key)
    {
        // ModelProto.metadata_props is field 14: tag 0x72, then a length, then the entry.
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
        var position = 0;
        while (position < model.Length)
        {
            var tag = ReadVarint(model, ref position);
            var wireType = (int)(tag & 7);
            var field = tag >> 3;
            switch (wireType)
            {
                case 0:
                    ReadVarint(model, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(model, ref position);
                    if (position + length > model.Length) return null;
                    if (field == 14 && TryEntry(model.Slice(position, length), keyBytes, out var value)) return value;
                    position += length;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static bool TryEntry(ReadOnlySpan<byte> entry, ReadOnlySpan<byte> key, out string? value)
    {
        value = null;
        ReadOnlySpan<byte> entryKey = default, entryValue = default;
        var position = 0;
        while (position < entry.Length)
        {
            var tag = ReadVarint(entry, ref position);
            if ((tag & 7) != 2) return false;
            var length = (int)ReadVarint(entry, ref position);
            if (position + length > entry.Length) return false;
            if (tag >> 3 == 1) entryKey = entry.Slice(position, length);
            else if (tag >> 3 == 2) entryValue = entry.Slice(position, length);
            position += length;
        }
        if (!entryKey.SequenceEqual(key)) return false;
        value = System.Text.Encoding.UTF8.GetString(entryValue);
        return true;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; position < bytes.Length && shift < 64; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) break;
        }
        return value;
    }

    [GeneratedRegex(@"^past_key_values\.(\d+)\.(key|value)$")]
    private static partial Regex PastName();

    /// <summary>The present outputs of a prefill and the mask its rows were run with.</summary>
    private sealed class Cache(IDisposableReadOnlyCollection<OrtValue> outputs, long[] mask, int rows, int length) : IKeyValueCache
    {
        public IDisposableReadOnlyCollection<OrtValue> Outputs => outputs;
        public long[] Mask => mask;
        public int Rows => rows;
        public int Length => length;
        public bool Disposed { get; private set; }

        public void Dispose()
        {
            if (Disposed) return;
            Disposed = true;
            outputs.Dispose();
        }
    }

    private sealed class DisposableList(int capacity) : IDisposable
    {
        public List<OrtValue> Values { get; } = new(capacity);

        public void Add(OrtValue value) => Values.Add(value);

        public void Dispose()
        {
            foreach (var value in Values) value.Dispose();
        }
    }
}
