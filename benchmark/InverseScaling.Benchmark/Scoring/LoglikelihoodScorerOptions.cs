namespace InverseScaling.Benchmark.Scoring;

/// <summary>How the scorer plans and batches its model runs.</summary>
/// <param name="TokenBudget">Largest batch as rows × padded length (past included when continuing a cache); a sequence longer than this runs alone. Logits memory per batch is about budget × vocabulary × 4 bytes.</param>
/// <param name="MaxBatchRows">Most sequences in one batch.</param>
/// <param name="ShareOneTokenContexts">Share work between requests with the same context: one run of the context serves every continuation's first token, and a continuation whose tokens begin another's is read from that one's run. Off: one sequence per request.</param>
/// <param name="UseKeyValueCache">With a <see cref="IKeyValueLanguageModel"/>, run each distinct context once and each continuation after its cached keys and values.</param>
/// <param name="Workers">Batches run by this many threads at once on the same model (each model call then best single-threaded). Results do not depend on it.</param>
public sealed record LoglikelihoodScorerOptions(int TokenBudget = 1024, int MaxBatchRows = 256, bool ShareOneTokenContexts = true, bool UseKeyValueCache = true, int Workers = 1)
{
    public static LoglikelihoodScorerOptions Default { get; } = new();

    /// <summary>
    /// Compute the output head only at the positions whose log-probabilities are read (a derived model with the hidden
    /// states gathered before the head; see <see cref="OnnxModelOptions.GatherLogits"/>), where the model allows it.
    /// The numbers are the same as without it (the head's rows are computed alike). <value>Default true.</value>
    /// </summary>
    public bool GatherLogits { get; init; } = true;

    /// <summary>The engine's settings on this machine: one worker per core (with single-threaded model calls).</summary>
    public static LoglikelihoodScorerOptions ForThisMachine { get; } = new(Workers: Environment.ProcessorCount);

    /// <summary>Refuses a budget, row limit or worker count below 1.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenBudget, 1, nameof(TokenBudget));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchRows, 1, nameof(MaxBatchRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
    }
}
