namespace InverseScaling.Benchmark.Requests;

/// <summary>
/// The only question a model answers: the log-likelihood of <see cref="Continuation"/> following <see cref="Context"/>.
/// </summary>
public sealed record LoglikelihoodRequest(string Context, string Continuation);

/// <summary>
/// A request in token ids. The scored tokens are exactly <see cref="Continuation"/>; <see cref="Context"/> already
/// includes any BOS token and has been cut from the left to fit the model's context.
/// </summary>
/// <param name="BoundaryDiffers">
/// The joint encoding of context + continuation does not start with the context's own encoding (the continuation merges
/// with the end of the context), so <see cref="Continuation"/> is the continuation encoded on its own: the fallback.
/// </param>
/// <param name="TruncatedTokens">Context tokens dropped from the left to fit the model's context window.</param>
public sealed record TokenizedRequest(int[] Context, int[] Continuation, bool BoundaryDiffers = false, int TruncatedTokens = 0)
{
    public int Length => Context.Length + Continuation.Length;
}
