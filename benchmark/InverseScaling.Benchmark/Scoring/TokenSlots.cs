using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>One token to score: request <see cref="Request"/>'s continuation token <see cref="Index"/> (id <see cref="Token"/>), predicted at <see cref="Position"/>.</summary>
internal readonly record struct ScoringTarget(int Request, int Position, int Token, int Index);

/// <summary>
/// Every continuation token's log-probability and argmax flag, one slot per token, written once by whichever worker
/// reads it. Each request's sum runs over its slots in token order at the end, so results do not depend on batching,
/// chunking or which worker ran what.
/// </summary>
internal sealed class TokenSlots
{
    private readonly double[][] logProbabilities;
    private readonly bool[][] greedy;

    public TokenSlots(IReadOnlyList<TokenizedRequest> requests)
    {
        logProbabilities = new double[requests.Count][];
        greedy = new bool[requests.Count][];
        for (var r = 0; r < requests.Count; r++)
        {
            // NaN until read, so that a token the plan missed could not pass for a certain one.
            logProbabilities[r] = new double[requests[r].Continuation.Length];
            Array.Fill(logProbabilities[r], double.NaN);
            greedy[r] = new bool[requests[r].Continuation.Length];
        }
    }

    public int Count => logProbabilities.Length;

    public void Set(ScoringTarget target, double logProbability, bool isArgmax)
    {
        logProbabilities[target.Request][target.Index] = logProbability;
        greedy[target.Request][target.Index] = isArgmax;
    }

    /// <summary>The request's sum over its tokens in order (as the naive algorithm adds them), and whether all were the argmax.</summary>
    public ContinuationScore Result(int request)
    {
        double sum = 0;
        var allGreedy = true;
        for (var j = 0; j < logProbabilities[request].Length; j++)
        {
            sum += logProbabilities[request][j];
            allGreedy &= greedy[request][j];
        }
        return new ContinuationScore(sum, allGreedy);
    }

    /// <summary>Every request's <see cref="Result"/>, in request order.</summary>
    public ContinuationScore[] Results()
    {
        var results = new ContinuationScore[Count];
        for (var i = 0; i < results.Length; i++) results[i] = Result(i);
        return results;
    }
}
