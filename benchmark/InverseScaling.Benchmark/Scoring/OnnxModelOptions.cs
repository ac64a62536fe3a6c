namespace InverseScaling.Benchmark.Scoring;

/// <summary>How to open an ONNX checkpoint.</summary>
/// <param name="VocabularySize">The tokenizer's vocabulary size; the logits must be exactly this wide.</param>
/// <param name="MaxContext">Longest sequence the checkpoint accepts (its manifest's <c>maxContext</c>).</param>
/// <param name="IntraOpThreads">Threads inside one operator; null for <see cref="Environment.ProcessorCount"/>.</param>
internal sealed record OnnxModelOptions(int VocabularySize, int MaxContext, int? IntraOpThreads = null)
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

    /// <summary>
    /// Open a derived model whose output head runs only at the positions asked for (see <see cref="OnnxDecoder.GathersLogits"/>),
    /// when the head can be found; otherwise the file as it is. <value>Default false: the file as it is.</value>
    /// </summary>
    public bool GatherLogits { get; init; }

    /// <summary>
    /// With-past exports: open a derived model that gathers the cache rows each batch row continues itself, so keys and
    /// values stay where the provider keeps them (see <see cref="OnnxDecoder.GathersCacheRows"/>); false gathers them on
    /// the host. <value>Default null: on every device but the CPU. On the CPU both are one copy per continuation batch,
    /// and the model's gather would copy the cache once more before each chunk of a long prompt.</value>
    /// </summary>
    public bool? GatherCacheRows { get; init; }

    /// <summary>Whether a with-past export opened with these options gathers its cache rows inside the model (<see cref="GatherCacheRows"/> resolved for <see cref="Device"/>).</summary>
    public bool GathersCacheRowsInModel => GatherCacheRows ?? Device != ExecutionDevice.Cpu;

    /// <summary>
    /// With <see cref="GatherLogits"/>: open a derived model that also scores the tokens read at the gathered positions
    /// (log-softmax in double, argmax; see <see cref="OnnxDecoder.ScoresTargets"/>), so that only those numbers come back
    /// from the device. <value>Default null: on every device but the CPU, where the logits are already on the host.</value>
    /// </summary>
    public bool? ScoreTargets { get; init; }

    /// <summary>Whether a decoder opened with these options scores targets inside the model (<see cref="ScoreTargets"/> resolved for <see cref="Device"/>).</summary>
    public bool ScoresTargetsInModel => GatherLogits && (ScoreTargets ?? Device != ExecutionDevice.Cpu);
}

/// <summary>Which of a checkpoint's exports a file is, which decides how <see cref="OnnxDecoder"/> runs it.</summary>
internal enum OnnxExport
{
    /// <summary><c>files.onnx</c>: whole sequences; a merged decoder's past inputs get an empty past.</summary>
    Plain,

    /// <summary><c>files.onnxWithPast</c>: must take and return keys and values (past_key_values.* in, present.* out), which are reused.</summary>
    WithPast,
}
