using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// The engine for one checkpoint: its with-past export when it lists one (and the options allow it), else its plain
/// export, under a <see cref="LoglikelihoodScorer"/>. The model can be opened on the first request, so that a run
/// answered wholly from the results cache never loads it. Owns the model.
/// </summary>
internal sealed class CheckpointScorer : ILoglikelihoodScorer, IDisposable
{
    private readonly Checkpoint checkpoint;
    private readonly OnnxModelOptions modelOptions;
    private readonly LoglikelihoodScorerOptions options;
    private ICausalLanguageModel? model;
    private LoglikelihoodScorer? scorer;

    private CheckpointScorer(Checkpoint checkpoint, OnnxModelOptions modelOptions, LoglikelihoodScorerOptions options)
    {
        this.checkpoint = checkpoint;
        // Workers share the cores: each model call gets its share of threads unless told otherwise.
        // The head is gathered at the scored positions when the scorer asks for it.
        this.modelOptions = modelOptions with
        {
            IntraOpThreads = modelOptions.IntraOpThreads ?? Math.Max(1, Environment.ProcessorCount / options.Workers),
            GatherLogits = options.GatherLogits,
        };
        this.options = options;
        UsesWithPastExport = options.UseKeyValueCache && options.ShareOneTokenContexts && checkpoint.OnnxWithPastPath is not null;
        Name = LoglikelihoodScorer.NameFor(options, UsesWithPastExport);
    }

    /// <param name="openNow">Open the model now (errors surface here) rather than on the first request.</param>
    public static CheckpointScorer Create(Checkpoint checkpoint, OnnxModelOptions modelOptions, LoglikelihoodScorerOptions? options = null, bool openNow = true)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(modelOptions);
        var created = new CheckpointScorer(checkpoint, modelOptions, options ?? LoglikelihoodScorerOptions.Default);
        if (openNow) created.Open();
        return created;
    }

    /// <summary>Whether the scorer runs the checkpoint's with-past export.</summary>
    public bool UsesWithPastExport { get; }

    /// <summary>The file the scorer runs.</summary>
    public string ModelPath => CheckpointModels.PathOf(checkpoint, UsesWithPastExport);

    /// <summary>The algorithm, as <see cref="LoglikelihoodScorer.Name"/>.</summary>
    public string Name { get; }

    /// <summary>What the options asked of the open model that it could not do, with why (<see cref="OnnxDecoder.Fallbacks"/>); empty while it is not open.</summary>
    public IReadOnlyList<string> Fallbacks => (model as OnnxDecoder)?.Fallbacks ?? [];

    /// <summary>The model's key/value cache geometry once it is open, when it has one.</summary>
    public KeyValueShape? CacheShape => model?.KeyValues?.CacheShape;

    /// <summary>Work done so far (empty while the model is not open).</summary>
    public ScoringStatistics Statistics => scorer?.Statistics ?? ScoringStatistics.Empty;

    public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken) =>
        Open().Score(requests, cancellationToken);

    public void Dispose() => model?.Dispose();

    /// <summary>The model, opened if it is not open yet.</summary>
    public ICausalLanguageModel Model
    {
        get
        {
            Open();
            return model!;
        }
    }

    /// <summary>The scorer's options, with the model's threads resolved.</summary>
    public LoglikelihoodScorerOptions Options => options;

    /// <summary>Opens the model if it is not open yet.</summary>
    public LoglikelihoodScorer Open()
    {
        if (scorer is not null) return scorer;
        model = CheckpointModels.Open(checkpoint, modelOptions, UsesWithPastExport);
        scorer = new LoglikelihoodScorer(model, ModelPath, options);
        return scorer;
    }
}
