using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>How to open an ONNX checkpoint.</summary>
/// <param name="VocabularySize">The tokenizer's vocabulary size; the logits must be exactly this wide.</param>
/// <param name="MaxContext">Longest sequence the checkpoint accepts (its manifest's <c>maxContext</c>).</param>
/// <param name="IntraOpThreads">Threads inside one operator; null for <see cref="Environment.ProcessorCount"/>.</param>
public sealed record OnnxModelOptions(int VocabularySize, int MaxContext, int? IntraOpThreads = null)
{
    /// <summary>Refuses a vocabulary, context or thread count below 1.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 1, nameof(VocabularySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxContext, 1, nameof(MaxContext));
        if (IntraOpThreads is { } threads) ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1, nameof(IntraOpThreads));
    }

    /// <summary>The execution provider; the CPU by default.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>
    /// With-past exports: prompts longer than this run in chunks of this many positions, each on the cache of those
    /// before it (0: whole). <value>Default 192.</value>
    /// </summary>
    public int PrefillChunk { get; init; } = 192;
}

/// <summary>
/// A causal language model in an ONNX file, run on ONNX Runtime's CPU provider. Feeds <c>input_ids</c>,
/// <c>attention_mask</c>, <c>position_ids</c> and, for merged or with-past exports, an empty past and
/// <c>use_cache_branch</c> = false; reads <c>logits</c> (float32, or float16 converted to float32).
/// </summary>
public sealed partial class OnnxCausalLanguageModel : ICausalLanguageModel
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string PositionIds = "position_ids";
    private const string UseCacheBranch = "use_cache_branch";
    private const string Logits = "logits";

    private readonly InferenceSession session;
    private readonly IReadOnlyList<ModelInput> inputs;
    private readonly string[] inputNames;
    private readonly string[] outputNames = [Logits];
    private readonly bool halfLogits;

    private OnnxCausalLanguageModel(string path, InferenceSession session, IReadOnlyList<ModelInput> inputs, bool halfLogits, OnnxModelOptions options)
    {
        Path = path;
        this.session = session;
        this.inputs = inputs;
        this.halfLogits = halfLogits;
        inputNames = inputs.Select(i => i.Name).ToArray();
        VocabularySize = options.VocabularySize;
        MaxContext = options.MaxContext;
    }

    /// <summary>The ONNX file, as given to <see cref="Create"/>.</summary>
    public string Path { get; }

    public int VocabularySize { get; }

    public int MaxContext { get; }

    /// <summary>Opens <paramref name="path"/> and checks that its inputs and outputs are ones this class can drive.</summary>
    /// <exception cref="BenchmarkInputException">The file is missing, not ONNX, or not a causal LM this class can feed.</exception>
    public static OnnxCausalLanguageModel Create(string path, OnnxModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(path))
        {
            throw new BenchmarkInputException(path, "the ONNX file does not exist", "point the checkpoint's files.onnx.path at an exported .onnx file");
        }

        var session = Open(path, options);
        try
        {
            var halfLogits = CheckLogits(path, session, options.VocabularySize);
            var inputs = PlanInputs(path, session);
            return new OnnxCausalLanguageModel(path, session, inputs, halfLogits, options);
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
        cancellationToken.ThrowIfCancellationRequested();

        var ids = tokens.ToArray();
        long[] shape = [batch, sequenceLength];
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var input in inputs)
            {
                values.Add(input.Kind switch
                {
                    InputKind.InputIds => OrtValue.CreateTensorValueFromMemory(ids, shape),
                    InputKind.AttentionMask => OrtValue.CreateTensorValueFromMemory(Mask(lengths, sequenceLength), shape),
                    InputKind.PositionIds => OrtValue.CreateTensorValueFromMemory(Positions(lengths, sequenceLength), shape),
                    InputKind.EmptyPast => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, input.ElementType, [batch, input.Heads, 0, input.HeadSize]),
                    InputKind.UseCacheBranch => OrtValue.CreateTensorValueFromMemory(new[] { false }, [1]),
                    _ => throw new InvalidOperationException($"no feeder for input kind {input.Kind}"),
                });
            }

            using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = session.Run(runOptions, inputNames, values, outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            using (outputs)
            {
                var logits = outputs[0];
                CheckShape(logits, batch, sequenceLength);
                if (halfLogits)
                {
                    var half = logits.GetTensorDataAsSpan<Float16>();
                    var converted = new float[half.Length];
                    TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<Float16, Half>(half), converted);
                    Deliver(converted, lengths, sequenceLength, consume);
                }
                else
                {
                    Deliver(logits.GetTensorDataAsSpan<float>(), lengths, sequenceLength, consume);
                }
            }
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    public void Dispose() => session.Dispose();

    private void Deliver(ReadOnlySpan<float> logits, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume)
    {
        for (var row = 0; row < lengths.Length; row++)
        {
            var real = logits.Slice(row * sequenceLength * VocabularySize, lengths[row] * VocabularySize);
            var bad = LogSoftmax.IndexOfNonFinite(real);
            if (bad >= 0)
            {
                throw LoglikelihoodScorer.NonFiniteLogits(Path, row, bad / VocabularySize, lengths.Length, sequenceLength);
            }
        }
        consume(logits);
    }

    private void CheckShape(OrtValue logits, int batch, int sequenceLength)
    {
        var shape = logits.GetTensorTypeAndShape().Shape;
        if (shape.Length == 3 && shape[0] == batch && shape[1] == sequenceLength && shape[2] == VocabularySize) return;
        if (shape.Length == 3 && shape[0] == batch && shape[1] == sequenceLength)
        {
            throw VocabularyMismatch(Path, shape[2], VocabularySize);
        }
        throw new BenchmarkInputException(
            Path,
            $"the 'logits' output has shape [{string.Join(", ", shape)}] for a [{batch}, {sequenceLength}] input; expected [{batch}, {sequenceLength}, {VocabularySize}]",
            "export the model with logits for every position ([batch, sequence, vocabulary])",
            field: Logits);
    }

    internal static BenchmarkInputException VocabularyMismatch(string path, long width, int vocabulary) => new(
        path,
        $"the logits are {width} wide but the tokenizer has {vocabulary} tokens",
        "pair the checkpoint with the tokenizer it was trained with (vocab.json/merges.txt or tokenizer.json listed beside it in family.json)",
        field: Logits);

    internal static InferenceSession Open(string path, OnnxModelOptions options, string field = "onnx")
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads ?? Environment.ProcessorCount,
            InterOpNumThreads = 1,
            EnableCpuMemArena = true,
            // Off: shapes change from call to call (lengths, chunks), and planning a pattern per shape cost 3-4% on ref-793k.
            EnableMemoryPattern = false,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.Device.AppendTo(sessionOptions, path);
        try
        {
            return new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BenchmarkInputException(
                path,
                $"ONNX Runtime cannot load the file as an ONNX model ({FirstLine(e.Message)})",
                $"export the checkpoint to ONNX (for example with torch.onnx.export or optimum-cli export onnx) and point files.{field}.path at the .onnx file",
                inner: e);
        }
    }

    /// <summary>Checks the <c>logits</c> output; true where it is float16.</summary>
    internal static bool CheckLogits(string path, InferenceSession session, int vocabulary)
    {
        if (!session.OutputMetadata.TryGetValue(Logits, out var logits))
        {
            throw new BenchmarkInputException(
                path,
                $"the model has no 'logits' output (outputs: {string.Join(", ", session.OutputMetadata.Keys)})",
                "export the model with its language-model head and name that output 'logits'");
        }
        if (logits.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new BenchmarkInputException(
                path,
                $"the 'logits' output is {logits.ElementDataType}; the scorer reads float32 or float16",
                "export the logits as float32",
                field: Logits);
        }
        if (logits.Dimensions.Length == 3 && logits.Dimensions[2] > 0 && logits.Dimensions[2] != vocabulary)
        {
            throw VocabularyMismatch(path, logits.Dimensions[2], vocabulary);
        }
        return logits.ElementDataType == TensorElementType.Float16;
    }

    private static IReadOnlyList<ModelInput> PlanInputs(string path, InferenceSession session)
    {
        if (!session.InputMetadata.ContainsKey(InputIds))
        {
            throw new BenchmarkInputException(
                path,
                $"the model has no 'input_ids' input (inputs: {string.Join(", ", session.InputMetadata.Keys)})",
                "export the model with its token input named 'input_ids' (int64 [batch, sequence])");
        }

        var plan = new List<ModelInput>();
        foreach (var (name, metadata) in session.InputMetadata)
        {
            plan.Add(name switch
            {
                InputIds => TokenInput(path, name, metadata, InputKind.InputIds),
                AttentionMask => TokenInput(path, name, metadata, InputKind.AttentionMask),
                PositionIds => TokenInput(path, name, metadata, InputKind.PositionIds),
                UseCacheBranch => CacheBranchInput(path, name, metadata),
                _ when PastName().IsMatch(name) => PastInput(path, name, metadata),
                _ => throw new BenchmarkInputException(
                    path,
                    $"the model has an input '{name}' the scorer does not know how to feed",
                    "export a plain causal LM whose inputs are input_ids, attention_mask, optionally position_ids, and for merged exports past_key_values.N.key/value and use_cache_branch",
                    field: name),
            });
        }
        return plan;
    }

    private static ModelInput TokenInput(string path, string name, NodeMetadata metadata, InputKind kind)
    {
        if (metadata.ElementDataType != TensorElementType.Int64 || metadata.Dimensions.Length != 2)
        {
            throw new BenchmarkInputException(
                path,
                $"input '{name}' is {metadata.ElementDataType} with {metadata.Dimensions.Length} dimensions; the scorer feeds int64 [batch, sequence]",
                $"export '{name}' as int64 [batch, sequence]",
                field: name);
        }
        RequireDynamicAxes(path, name, metadata);
        return new ModelInput(name, kind, TensorElementType.Int64, 0, 0);
    }

    /// <summary>The scorer feeds batches of any size and length, so a token input must not fix either axis.</summary>
    internal static void RequireDynamicAxes(string path, string name, NodeMetadata metadata)
    {
        if (metadata.Dimensions.All(d => d <= 0)) return;
        var shape = string.Join(", ", metadata.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : i == 0 ? "batch" : "sequence"));
        throw new BenchmarkInputException(
            path,
            $"input '{name}' has the fixed shape [{shape}]; the scorer feeds batches of any size and length",
            $"export '{name}' with dynamic batch and sequence axes (dynamic_axes in torch.onnx.export; optimum-cli export onnx does this)",
            field: name);
    }

    private static ModelInput CacheBranchInput(string path, string name, NodeMetadata metadata)
    {
        if (metadata.ElementDataType != TensorElementType.Bool)
        {
            throw new BenchmarkInputException(
                path,
                $"input '{name}' is {metadata.ElementDataType}; the scorer feeds a bool [1]",
                "export the merged decoder with a bool use_cache_branch input",
                field: name);
        }
        return new ModelInput(name, InputKind.UseCacheBranch, TensorElementType.Bool, 0, 0);
    }

    private static ModelInput PastInput(string path, string name, NodeMetadata metadata)
    {
        var dims = metadata.Dimensions;
        var typeKnown = metadata.ElementDataType is TensorElementType.Float or TensorElementType.Float16;
        if (!typeKnown || dims.Length != 4 || dims[1] <= 0 || dims[3] <= 0)
        {
            throw new BenchmarkInputException(
                path,
                $"input '{name}' is {metadata.ElementDataType} [{string.Join(", ", dims)}]; the scorer needs float or float16 [batch, heads, past, head_dim] with fixed heads and head_dim to feed an empty past",
                "export the past inputs with static head count and head size",
                field: name);
        }
        return new ModelInput(name, InputKind.EmptyPast, metadata.ElementDataType, dims[1], dims[3]);
    }

    private static long[] Mask(ReadOnlySpan<int> lengths, int sequenceLength)
    {
        var mask = new long[lengths.Length * sequenceLength];
        for (var row = 0; row < lengths.Length; row++) mask.AsSpan(row * sequenceLength, lengths[row]).Fill(1);
        return mask;
    }

    /// <summary>cumsum(mask) − 1 at real tokens, 0 at padding; with right padding, 0..length−1 then zeros.</summary>
    private static long[] Positions(ReadOnlySpan<int> lengths, int sequenceLength)
    {
        var positions = new long[lengths.Length * sequenceLength];
        for (var row = 0; row < lengths.Length; row++)
        {
            var span = positions.AsSpan(row * sequenceLength, lengths[row]);
            for (var t = 0; t < span.Length; t++) span[t] = t;
        }
        return positions;
    }

    internal static string FirstLine(string message)
    {
        var end = message.IndexOf('\n');
        return (end < 0 ? message : message[..end]).Trim();
    }

    [GeneratedRegex(@"^past_key_values\.\d+\.(key|value)$")]
    private static partial Regex PastName();

    private enum InputKind { InputIds, AttentionMask, PositionIds, EmptyPast, UseCacheBranch }

    private sealed record ModelInput(string Name, InputKind Kind, TensorElementType ElementType, long Heads, long HeadSize);
}
