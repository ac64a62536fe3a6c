using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static InverseScaling.Benchmark.Scoring.DecoderSignature;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// A causal decoder in an ONNX file, run on ONNX Runtime: the one session type for plain, merged and with-past exports.
/// Its <see cref="DecoderSignature"/> is planned once; each call binds <c>input_ids</c>, <c>attention_mask</c>,
/// <c>position_ids</c> (cumsum(mask) − 1), <c>use_cache_branch</c>, <c>logits_to_keep</c> and the past where the model
/// has them, runs with cancellation, and reads <c>logits</c> (float32, or float16 converted) after checking their shape.
/// Key/value reuse (<see cref="KeyValues"/>) is there when the file is opened as a with-past export, which must then take
/// past_key_values.* and return present.*: prompts run left-padded (so <c>logits_to_keep</c> = 1 gives each row's
/// next-token logits) and text after them right-padded on gathered cache rows. Opened with
/// <see cref="OnnxModelOptions.GatherLogits"/>, it runs a derived model whose head computes only the positions asked for
/// (<see cref="GathersLogits"/>). Every call runs through an I/O binding: the logits, or only the scores of the tokens
/// read when the model scores them (<see cref="ScoresTargets"/>), come back to the host; a with-past export's keys and
/// values stay in the device's memory (<see cref="ExecutionDevice.CreateDeviceMemory"/>) when the model gathers its own
/// cache rows (<see cref="GathersCacheRows"/>), and on the host otherwise. Non-finite logits are the scorer's to find.
/// </summary>
internal sealed partial class OnnxDecoder : IKeyValueLanguageModel
{
    private const string WeightsShaKey = "isb.weights_sha256";
    private const string WeightsFileKey = "isb.weights_file";

    private readonly InferenceSession session;
    private readonly DecoderSignature signature;
    private readonly int prefillChunk;
    private readonly OrtMemoryInfo? deviceMemory;

    private OnnxDecoder(string path, OnnxExport export, DecoderSession opened, DecoderSignature signature, OnnxModelOptions options)
    {
        Path = path;
        Export = export;
        session = opened.Session;
        HeadGatherFallback = opened.HeadFallback;
        CacheRowsFallback = opened.RowsFallback;
        TargetScoreFallback = opened.ScoreFallback;
        this.signature = signature;
        prefillChunk = options.PrefillChunk;
        VocabularySize = options.VocabularySize;
        MaxContext = options.MaxContext;
        if (signature.GatheredRows) deviceMemory = options.Device.CreateDeviceMemory();
    }

    /// <summary>The ONNX file, as given to <see cref="Create"/>.</summary>
    public string Path { get; }

    /// <summary>Which export the file was opened as.</summary>
    public OnnxExport Export { get; }

    public int VocabularySize { get; }

    public int MaxContext { get; }

    /// <summary>This decoder, when it was opened as a with-past export; null for a plain export.</summary>
    public IKeyValueLanguageModel? KeyValues => Export == OnnxExport.WithPast ? this : null;

    /// <exception cref="InvalidOperationException">The model has no past inputs.</exception>
    public KeyValueShape CacheShape => signature.Past?.Shape ?? throw new InvalidOperationException($"{Path} has no past_key_values inputs");

    public bool PrefillComputesLastLogitsOnly => signature.KeepsLastLogits || GathersLogits;

    /// <summary>True when the model computes the output head only at the positions asked for (a derived model; see <see cref="OnnxModelOptions.GatherLogits"/>).</summary>
    public bool GathersLogits => signature.GatheredHead;

    /// <summary>Why the head is computed at every position although <see cref="OnnxModelOptions.GatherLogits"/> asked otherwise; null when it is not.</summary>
    public string? HeadGatherFallback { get; }

    /// <summary>
    /// True when the model gathers the cache rows a batch continues itself (a derived model; see <see cref="PastRowGatherRewriter"/>),
    /// so keys and values never pass through the host; false for a plain export, or when <see cref="CacheRowsFallback"/> says why not.
    /// </summary>
    public bool GathersCacheRows => signature.GatheredRows;

    /// <summary>Why a with-past export's cache rows are gathered on the host, its keys and values kept there; null when they are not.</summary>
    public string? CacheRowsFallback { get; }

    /// <summary>What was asked of this model and could not be done, one line each, with why: empty when everything asked for applies.</summary>
    public IReadOnlyList<string> Fallbacks =>
    [
        .. HeadGatherFallback is { } head ? [$"the head runs at every position: {head}"] : Array.Empty<string>(),
        .. CacheRowsFallback is { } rows ? [$"keys and values are gathered on the host: {rows}"] : Array.Empty<string>(),
        .. TargetScoreFallback is { } score ? [$"log-probabilities are computed on the host: {score}"] : Array.Empty<string>(),
    ];

    /// <summary>
    /// Opens <paramref name="path"/> and plans its signature. A with-past export whose metadata names the file holding its
    /// weights (<c>isb.weights_file</c>, <c>isb.weights_sha256</c>, written by the reference family's export_with_past.py)
    /// must sit beside that file, with that sha256.
    /// </summary>
    /// <exception cref="BenchmarkInputException">The file is missing, not ONNX, or not a decoder this class can drive as <paramref name="export"/>.</exception>
    public static OnnxDecoder Create(string path, OnnxModelOptions options, OnnxExport export = OnnxExport.Plain)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var field = export == OnnxExport.WithPast ? "onnxWithPast" : "onnx";
        if (!File.Exists(path))
        {
            throw new BenchmarkInputException(path, "the ONNX file does not exist",
                $"point the checkpoint's files.{field}.path at an exported {(export == OnnxExport.WithPast ? "with-past " : "")}.onnx file");
        }
        if (export == OnnxExport.WithPast) CheckWeightsFile(path, field);

        var opened = DecoderSession.Open(path, options, field, export == OnnxExport.WithPast);
        try
        {
            return new OnnxDecoder(path, export, opened, Plan(path, opened.Session, options.VocabularySize, export, opened.GatheredHead, opened.GatheredRows, opened.ScoresTargets), options);
        }
        catch
        {
            opened.Session.Dispose();
            throw;
        }
    }

    /// <summary>Whole right-padded sequences from an empty past; the logits of every position.</summary>
    public void Forward(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        var gather = GathersLogits ? Every(batch * sequenceLength) : null;
        using var outputs = Run(tokens.ToArray(), DecoderInputs.RightPaddedMask(lengths, sequenceLength), batch, sequenceLength, past: null, keepLast: false,
            gather, targets: null, presents: false, cancellationToken);
        consume(ReadLogits(outputs[0], batch, sequenceLength, gather));
    }

    public IKeyValueCache Prefill(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        return Prefill(tokens, lengths, sequenceLength, new Reading(consume, null, null), cancellationToken);
    }

    public IKeyValueCache PrefillScores(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, TargetIds targets, TargetScoresConsumer consume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(consume);
        return Prefill(tokens, lengths, sequenceLength, new Reading(null, targets, consume), cancellationToken);
    }

    private IKeyValueCache Prefill(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, Reading reading, CancellationToken cancellationToken)
    {
        RequireReuse();
        var batch = CheckBatch(tokens, lengths, sequenceLength);
        reading.Check(batch);
        var (ids, mask) = DecoderInputs.LeftPadded(tokens, lengths, sequenceLength);

        // Long prompts run in chunks of columns, each on the keys and values of the chunks before it: the causal score
        // matrices then cover about half the square instead of all of it.
        var chunk = prefillChunk > 0 && prefillChunk < sequenceLength ? prefillChunk : sequenceLength;
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        var firstPresent = 1;
        try
        {
            for (var start = 0; start < sequenceLength; start += chunk)
            {
                var width = Math.Min(chunk, sequenceLength - start);
                var chunkIds = width < sequenceLength ? DecoderInputs.Columns(ids, batch, sequenceLength, start, width) : ids;
                var chunkMask = width < sequenceLength ? DecoderInputs.Columns(mask, batch, sequenceLength, 0, start + width) : mask;
                var last = start + width == sequenceLength;
                var past = outputs is null ? null : new PastRows(outputs.Skip(firstPresent).ToList(), Every(batch));
                var gather = GathersLogits ? LastOfEachRow(batch, width, last) : null;
                var targets = last ? ModelTargets(reading) : null;
                var next = Run(chunkIds, chunkMask, batch, width, past, keepLast: signature.KeepsLastLogits && !GathersLogits, gather, targets, presents: true, cancellationToken);
                outputs?.Dispose();
                outputs = next;
                firstPresent = targets is null ? 1 : 2;
            }

            if (GathersLogits)
            {
                Deliver(outputs!, batch, 1, Every(batch), reading);
                return new OnnxKeyValueCache(this, outputs!, firstPresent, mask, batch, sequenceLength);
            }
            var kept = PrefillComputesLastLogitsOnly ? 1 : sequenceLength - (sequenceLength - 1) / chunk * chunk;
            var all = ReadLogits(outputs![0], batch, kept, gather: null);
            var lastLogits = new float[batch * VocabularySize];
            for (var row = 0; row < batch; row++)
            {
                all.Slice((row * kept + kept - 1) * VocabularySize, VocabularySize).CopyTo(lastLogits.AsSpan(row * VocabularySize));
            }
            if (reading.Targets is null) reading.Logits!(lastLogits);
            else reading.Targets.Score(lastLogits, VocabularySize, reading.Scores!);
            return new OnnxKeyValueCache(this, outputs, firstPresent, mask, batch, sequenceLength);
        }
        catch
        {
            outputs?.Dispose();
            throw;
        }
    }

    public void Extend(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        LogitsConsumer consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        Extend(cache, cacheRows, tokens, lengths, sequenceLength, GathersLogits ? Every(lengths.Length * sequenceLength) : null, new Reading(consume, null, null), cancellationToken);
    }

    /// <summary>
    /// <see cref="Extend(IKeyValueCache, ReadOnlySpan{int}, ReadOnlySpan{long}, ReadOnlySpan{int}, int, LogitsConsumer, CancellationToken)"/>,
    /// the head at <paramref name="gather"/> only (null: every position), read as <paramref name="reading"/> says.
    /// </summary>
    private void Extend(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        long[]? gather, Reading reading, CancellationToken cancellationToken)
    {
        RequireReuse();
        if (cache is not OnnxKeyValueCache past || past.Owner != this || past.Disposed) throw new ArgumentException("the cache is not a live cache of this model", nameof(cache));
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
        var mask = new long[batch * width];
        for (var row = 0; row < batch; row++)
        {
            past.Mask.AsSpan(cacheRows[row] * past.Length, past.Length).CopyTo(mask.AsSpan(row * width));
            mask.AsSpan(row * width + past.Length, lengths[row]).Fill(1);
        }
        if (GathersCacheRows)
        {
            using var outputs = Run(tokens.ToArray(), mask, batch, sequenceLength, new PastRows(past.Presents, Array.ConvertAll(cacheRows.ToArray(), r => (long)r)),
                keepLast: false, gather, ModelTargets(reading), presents: false, cancellationToken);
            Deliver(outputs, batch, sequenceLength, gather, reading);
            return;
        }
        var gathered = past.Gather(cacheRows.ToArray(), CacheShape, signature.Past!.ElementType);
        try
        {
            using var outputs = Run(tokens.ToArray(), mask, batch, sequenceLength, new PastRows(gathered, null), keepLast: false, gather, ModelTargets(reading),
                presents: false, cancellationToken);
            Deliver(outputs, batch, sequenceLength, gather, reading);
        }
        finally
        {
            foreach (var value in gathered) value.Dispose();
        }
    }

    public void Dispose()
    {
        session.Dispose();
        deviceMemory?.Dispose();
    }

    private void RequireReuse()
    {
        if (KeyValues is null) throw new InvalidOperationException($"{Path} was opened as a plain export; open its with-past export to reuse keys and values");
    }

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

    /// <summary>Keys and values a call continues: present outputs of an earlier call, and the row of them each batch row continues (null: row i continues row i, the values already gathered).</summary>
    private sealed record PastRows(IReadOnlyList<OrtValue> Values, long[]? Rows);

    /// <summary>
    /// One session run on <paramref name="mask"/> [batch, past + new]; <paramref name="past"/> null feeds an empty past;
    /// <paramref name="gather"/> the flat positions of a gathered head (null when the model has none); <paramref name="targets"/>
    /// the tokens scored at them when the model scores them (<see cref="ScoresTargets"/>). Returns, on the host, the logits or
    /// the targets' scores and argmax tokens; then the presents when <paramref name="presents"/>, in the device's memory
    /// when the model gathers its cache rows (on the host otherwise).
    /// </summary>
    private IDisposableReadOnlyCollection<OrtValue> Run(long[] ids, long[] mask, int batch, int sequenceLength, PastRows? past,
        bool keepLast, long[]? gather, TargetIds? targets, bool presents, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pastNames = signature.Past?.Names ?? [];
        var owned = new List<OrtValue>(pastNames.Length + 6);
        using var binding = session.CreateIoBinding();
        void Own(string name, OrtValue value)
        {
            owned.Add(value);
            binding.BindInput(name, value);
        }
        try
        {
            Own(InputIds, OrtValue.CreateTensorValueFromMemory(ids, [batch, sequenceLength]));
            if (signature.AttentionMask) Own(AttentionMaskName, OrtValue.CreateTensorValueFromMemory(mask, [batch, mask.Length / batch]));
            if (signature.PositionIds) Own(PositionIdsName, OrtValue.CreateTensorValueFromMemory(DecoderInputs.Positions(mask, batch, sequenceLength), [batch, sequenceLength]));
            if (signature.CacheBranch) Own(UseCacheBranch, OrtValue.CreateTensorValueFromMemory(new[] { past is not null }, [1]));
            // n > 0 keeps the last n positions; 0 (Hugging Face's convention) keeps every one, for a model that requires the input.
            if (keepLast || signature.LogitsToKeepRequired) Own(LogitsToKeep, OrtValue.CreateTensorValueFromMemory(new[] { keepLast ? 1L : 0L }, []));
            if (GathersLogits) Own(HeadGatherRewriter.PositionsInput, OrtValue.CreateTensorValueFromMemory(gather!, [gather!.Length]));
            if (ScoresTargets)
            {
                // Logits read as they are still feed the scoring nodes: any token will do.
                var scored = targets ?? new TargetIds(new long[gather!.Length], 1);
                Own(TargetScoreRewriter.TargetsInput, OrtValue.CreateTensorValueFromMemory(scored.Ids, [scored.Positions, scored.PerPosition]));
            }
            if (GathersCacheRows) Own(PastRowGatherRewriter.RowsInput, OrtValue.CreateTensorValueFromMemory(past?.Rows ?? new long[batch], [batch]));
            for (var i = 0; i < pastNames.Length; i++)
            {
                if (past is null)
                {
                    // An empty past: one row when the model gathers its rows (row 0 for every batch row), else one per batch row.
                    var shape = signature.Past!.Shape;
                    Own(pastNames[i], OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, signature.Past.ElementType,
                        [GathersCacheRows ? 1 : batch, shape.Heads, 0, shape.HeadSize]));
                }
                else
                {
                    binding.BindInput(pastNames[i], past.Values[i]);
                }
            }

            if (targets is null)
            {
                binding.BindOutputToDevice(Logits, OrtMemoryInfo.DefaultInstance);
            }
            else
            {
                binding.BindOutputToDevice(TargetScoreRewriter.LogProbabilitiesOutput, OrtMemoryInfo.DefaultInstance);
                binding.BindOutputToDevice(TargetScoreRewriter.ArgmaxOutput, OrtMemoryInfo.DefaultInstance);
            }
            if (presents)
            {
                foreach (var present in signature.Past!.Presents!) binding.BindOutputToDevice(present, deviceMemory ?? OrtMemoryInfo.DefaultInstance);
            }
            return OnnxSessions.Run(session, binding, cancellationToken);
        }
        finally
        {
            foreach (var value in owned) value.Dispose();
        }
    }

    /// <summary>A file written by export_with_past.py keeps its weights in the plain export; that file must be the one it was made from.</summary>
    private static void CheckWeightsFile(string path, string field)
    {
        var metadata = OnnxModelFile.ReadHeader(path, field).Metadata;
        if (!metadata.TryGetValue(WeightsShaKey, out var sha) || !metadata.TryGetValue(WeightsFileKey, out var file)) return;
        var weights = OnnxModelFile.ResolveBeside(path, file);
        if (weights is null || !File.Exists(weights))
        {
            throw new BenchmarkInputException(path, $"its weights live in {TextExcerpt.Escape(file)}, which is not beside it",
                $"keep the with-past export in the folder of the plain export {TextExcerpt.Escape(file)}", field: field);
        }
        var actual = FileHash.Sha256(weights);
        if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new BenchmarkInputException(path,
                $"its weights live in {TextExcerpt.Escape(file)}, which has sha256 {actual}, but the with-past export was made from a file with sha256 {TextExcerpt.Escape(sha, 64)}",
                "re-run export_with_past.py after re-exporting the plain checkpoint", field: field);
        }
    }
}
