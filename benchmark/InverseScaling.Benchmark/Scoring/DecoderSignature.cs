using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// A decoder's inputs and outputs as <see cref="OnnxDecoder"/> drives them, planned once from the session's metadata:
/// <c>input_ids</c> (required), <c>attention_mask</c>, <c>position_ids</c>, <c>use_cache_branch</c>, <c>logits_to_keep</c>,
/// <c>past_key_values.N.key/value</c> [batch, heads, past, head size] with any fixed head count, the matching
/// <c>present.N.key/value</c> outputs, and <c>logits</c> in float32 or float16. Any other input is refused.
/// </summary>
/// <param name="HalfLogits">The logits are float16 (converted to float32 on reading).</param>
/// <param name="KeepsLastLogits">The model takes <c>logits_to_keep</c> (int64; n &gt; 0 projects only the last n positions).</param>
/// <param name="Past">The past inputs, or null when the model has none.</param>
/// <param name="GatheredHead">The model is derived by <see cref="Onnx.HeadGatherRewriter"/>: it takes flat positions and returns logits [positions, vocabulary].</param>
/// <param name="GatheredRows">The model is derived by <see cref="Onnx.PastRowGatherRewriter"/>: it takes the past row of each batch row.</param>
/// <param name="ScoresTargets">The model is derived by <see cref="Onnx.TargetScoreRewriter"/>: it takes target tokens and returns their log-probabilities.</param>
internal sealed partial record DecoderSignature(
    bool AttentionMask,
    bool PositionIds,
    bool CacheBranch,
    bool KeepsLastLogits,
    bool LogitsToKeepRequired,
    bool HalfLogits,
    PastSignature? Past,
    bool GatheredHead = false,
    bool GatheredRows = false,
    bool ScoresTargets = false)
{
    public const string InputIds = "input_ids";
    public const string AttentionMaskName = "attention_mask";
    public const string PositionIdsName = "position_ids";
    public const string UseCacheBranch = "use_cache_branch";
    public const string LogitsToKeep = "logits_to_keep";
    public const string Logits = "logits";

    /// <summary>True when keys and values can be kept and continued: past inputs with present outputs, and an attention mask over both.</summary>
    public bool CanReuseKeyValues => Past is { Presents: not null } && AttentionMask;

    /// <exception cref="BenchmarkInputException">An input or output the decoder cannot drive, or (for a with-past export) no key/value reuse.</exception>
    /// <param name="gatheredHead">The session runs a model derived by <see cref="Onnx.HeadGatherRewriter"/>.</param>
    /// <param name="gatheredRows">The session runs a model derived by <see cref="Onnx.PastRowGatherRewriter"/>.</param>
    /// <param name="scoresTargets">The session runs a model derived by <see cref="Onnx.TargetScoreRewriter"/>.</param>
    public static DecoderSignature Plan(string path, InferenceSession session, int vocabulary, OnnxExport export, bool gatheredHead = false, bool gatheredRows = false,
        bool scoresTargets = false)
    {
        var halfLogits = PlanLogits(path, session, vocabulary, gatheredHead ? 2 : 3);
        var inputs = session.InputMetadata;
        if (!inputs.ContainsKey(InputIds))
        {
            throw new BenchmarkInputException(path,
                $"the model has no 'input_ids' input (inputs: {string.Join(", ", inputs.Keys)})",
                "export the model with its token input named 'input_ids' (int64 [batch, sequence])");
        }
        var pastInputs = new List<(string Name, NodeMetadata Metadata)>();
        foreach (var (name, metadata) in inputs)
        {
            switch (name)
            {
                case InputIds or AttentionMaskName or PositionIdsName:
                    if (metadata.ElementDataType != TensorElementType.Int64 || metadata.Dimensions.Length != 2)
                    {
                        throw new BenchmarkInputException(path,
                            $"input '{name}' is {metadata.ElementDataType} with {metadata.Dimensions.Length} dimensions; the scorer feeds int64 [batch, sequence]",
                            $"export '{name}' as int64 [batch, sequence]", field: name);
                    }
                    RequireDynamicAxes(path, name, metadata);
                    break;
                case UseCacheBranch:
                    if (metadata.ElementDataType != TensorElementType.Bool)
                    {
                        throw new BenchmarkInputException(path, $"input '{name}' is {metadata.ElementDataType}; the scorer feeds a bool [1]",
                            "export the merged decoder with a bool use_cache_branch input", field: name);
                    }
                    break;
                case LogitsToKeep:
                    break;
                case Onnx.HeadGatherRewriter.PositionsInput when gatheredHead:
                case Onnx.PastRowGatherRewriter.RowsInput when gatheredRows:
                case Onnx.TargetScoreRewriter.TargetsInput when scoresTargets:
                    break;
                default:
                    if (!PastName().IsMatch(name)) throw UnknownInput(path, name, export);
                    pastInputs.Add((name, metadata));
                    break;
            }
        }

        var keep = session.OverridableInitializerMetadata.TryGetValue(LogitsToKeep, out var keepMetadata) || inputs.TryGetValue(LogitsToKeep, out keepMetadata);
        if (keep && keepMetadata!.ElementDataType != TensorElementType.Int64)
        {
            throw new BenchmarkInputException(path, $"input '{LogitsToKeep}' is not int64", "export logits_to_keep as an int64 scalar", field: LogitsToKeep);
        }
        var past = pastInputs.Count == 0 ? null : PastSignature.Plan(path, session, pastInputs);
        var signature = new DecoderSignature(inputs.ContainsKey(AttentionMaskName), inputs.ContainsKey(PositionIdsName), inputs.ContainsKey(UseCacheBranch),
            keep, inputs.ContainsKey(LogitsToKeep), halfLogits, past, gatheredHead, gatheredRows && past is not null,
            scoresTargets && gatheredHead);
        if (export == OnnxExport.WithPast) signature.RequireReuse(path);
        return signature;
    }

    internal static BenchmarkInputException VocabularyMismatch(string path, long width, int vocabulary) => new(
        path,
        $"the logits are {width} wide but the tokenizer has {vocabulary} tokens",
        "pair the checkpoint with the tokenizer it was trained with (vocab.json/merges.txt or tokenizer.json listed beside it in family.json)",
        field: Logits);

    private void RequireReuse(string path)
    {
        if (Past is null)
        {
            throw new BenchmarkInputException(path, "the model has no past_key_values.N.key/value inputs: it is not a with-past export",
                "list the plain export under files.onnx and a with-past export (past_key_values.* in, present.* out) under files.onnxWithPast");
        }
        if (Past.Presents is null)
        {
            const string missing = "present.0.key";
            throw new BenchmarkInputException(path, $"the model has no {Past.ElementType} output '{missing}' for its input 'past_key_values.0.key'",
                "export present.N.key/value outputs (past and new keys/values) for every layer", field: missing);
        }
        if (!AttentionMask)
        {
            throw new BenchmarkInputException(path, "the with-past model has no 'attention_mask' input", "export the decoder with an attention_mask over past and new tokens");
        }
    }

    /// <summary>Checks the <c>logits</c> output; true where it is float16.</summary>
    /// <summary>The scorer feeds batches of any size and length, so a token input must not fix either axis.</summary>
    private static void RequireDynamicAxes(string path, string name, NodeMetadata metadata)
    {
        if (metadata.Dimensions.All(d => d <= 0)) return;
        var shape = string.Join(", ", metadata.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : i == 0 ? "batch" : "sequence"));
        throw new BenchmarkInputException(path,
            $"input '{name}' has the fixed shape [{shape}]; the scorer feeds batches of any size and length",
            $"export '{name}' with dynamic batch and sequence axes (dynamic_axes in torch.onnx.export; optimum-cli export onnx does this)",
            field: name);
    }

    private static bool PlanLogits(string path, InferenceSession session, int vocabulary, int rank)
    {
        if (!session.OutputMetadata.TryGetValue(Logits, out var logits))
        {
            throw new BenchmarkInputException(path,
                $"the model has no 'logits' output (outputs: {string.Join(", ", session.OutputMetadata.Keys)})",
                "export the model with its language-model head and name that output 'logits'");
        }
        if (logits.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new BenchmarkInputException(path, $"the 'logits' output is {logits.ElementDataType}; the scorer reads float32 or float16",
                "export the logits as float32", field: Logits);
        }
        if (logits.Dimensions.Length == rank && logits.Dimensions[^1] > 0 && logits.Dimensions[^1] != vocabulary)
        {
            throw VocabularyMismatch(path, logits.Dimensions[^1], vocabulary);
        }
        return logits.ElementDataType == TensorElementType.Float16;
    }

    private static BenchmarkInputException UnknownInput(string path, string name, OnnxExport export) => new(path,
        $"the model has an input '{name}' the scorer does not know how to feed",
        export == OnnxExport.WithPast
            ? "export the with-past decoder with inputs input_ids, attention_mask, past_key_values.N.key/value and optionally position_ids, use_cache_branch and logits_to_keep"
            : "export a plain causal LM whose inputs are input_ids, attention_mask, optionally position_ids, and for merged exports past_key_values.N.key/value and use_cache_branch",
        field: name);

    [GeneratedRegex(@"^past_key_values\.(\d+)\.(key|value)$")]
    internal static partial Regex PastName();
}

/// <summary>
/// The past inputs: <see cref="Shape"/> (layers, key/value heads, head size) of one element type, in complete key/value
/// pairs for layers 0..L−1; <see cref="Presents"/> the matching outputs, in the same order, or null when the model returns none.
/// </summary>
internal sealed record PastSignature(KeyValueShape Shape, TensorElementType ElementType, string[] Names, string[]? Presents)
{
    public static PastSignature Plan(string path, InferenceSession session, IReadOnlyList<(string Name, NodeMetadata Metadata)> inputs)
    {
        var layers = new SortedDictionary<int, int>();
        long heads = -1, headSize = -1;
        TensorElementType? type = null;
        long? configured = null;
        foreach (var (name, metadata) in inputs)
        {
            var dims = metadata.Dimensions;
            if (dims.Length == 4 && dims[3] <= 0 && (configured ??= GenaiHeadSize(path)) is > 0 and <= int.MaxValue)
            {
                dims = [dims[0], dims[1], dims[2], (int)configured.Value];
            }
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
            var layer = int.Parse(DecoderSignature.PastName().Match(name).Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            layers[layer] = layers.GetValueOrDefault(layer) + 1;
        }

        var expected = 0;
        foreach (var (layer, count) in layers)
        {
            if (layer != expected++ || count != 2)
            {
                throw new BenchmarkInputException(path, $"the past inputs are not a key and a value for each of layers 0..{layers.Count - 1} (layer {layer})",
                    "export past_key_values.N.key and .value for every layer N", field: $"past_key_values.{layer}");
            }
        }
        var names = new string[2 * layers.Count];
        var presents = new string[names.Length];
        for (var layer = 0; layer < layers.Count; layer++)
        {
            names[2 * layer] = $"past_key_values.{layer}.key";
            names[2 * layer + 1] = $"past_key_values.{layer}.value";
            presents[2 * layer] = $"present.{layer}.key";
            presents[2 * layer + 1] = $"present.{layer}.value";
        }
        var returned = presents.Count(session.OutputMetadata.ContainsKey);
        if (returned > 0 && returned < presents.Length || presents.Any(p => session.OutputMetadata.TryGetValue(p, out var output) && output.ElementDataType != type))
        {
            var missing = presents.First(p => !session.OutputMetadata.TryGetValue(p, out var output) || output.ElementDataType != type);
            throw new BenchmarkInputException(path, $"the model has no {type} output '{missing}' for its input '{missing.Replace("present.", "past_key_values.", StringComparison.Ordinal)}'",
                "export present.N.key/value outputs (past and new keys/values) for every layer", field: missing);
        }
        return new PastSignature(new KeyValueShape(layers.Count, (int)heads, (int)headSize), type!.Value, names, returned == 0 ? null : presents);
    }

    /// <summary>
    /// The head size onnxruntime-genai's model builder writes beside a model whose past inputs leave it symbolic
    /// (<c>kv_cache_dim</c>): <c>model.decoder.head_size</c> of <c>genai_config.json</c>; 0 when there is none.
    /// </summary>
    private static long GenaiHeadSize(string path)
    {
        var config = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "genai_config.json");
        if (!File.Exists(config)) return 0;
        using var document = IO.JsonInput.ReadDocument(config, IO.InputLimits.ManifestBytes, "genai_config.json", "write genai_config.json as the model builder did");
        return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
            && document.RootElement.TryGetProperty("model", out var model) && model.ValueKind == System.Text.Json.JsonValueKind.Object
            && model.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == System.Text.Json.JsonValueKind.Object
            && decoder.TryGetProperty("head_size", out var size) && size.TryGetInt64(out var value) && value > 0 ? value : 0;
    }
}
