using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>Answers log-likelihood requests. It never knows which task a request belongs to.</summary>
internal interface ILoglikelihoodScorer
{
    /// <summary>One result per request, in the order given.</summary>
    IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken);
}

/// <summary>The summed log-probability of a continuation's tokens, and whether greedy decoding would have produced it.</summary>
public readonly record struct ContinuationScore(double LogProbability, bool IsGreedy);
