using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Caching;

/// <summary>
/// A scorer in front of another: a list of requests scored before is answered by its segment in one read; otherwise each
/// request is looked up among the key's segments, only the misses go to the inner scorer, and the list's segment is
/// written. Results are the inner scorer's, bit for bit. Not thread-safe, like the <see cref="CheckpointCache"/> it reads.
/// </summary>
internal sealed class CachedScorer(CheckpointCache cache, ILoglikelihoodScorer inner) : ILoglikelihoodScorer
{
    public CheckpointCache Cache => cache;

    public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var lookup = cache.Lookup(requests);
        if (lookup.Complete) return [.. lookup.Found.Select(f => f!.Value)];

        var missing = new List<int>();
        for (var i = 0; i < lookup.Found.Length; i++)
        {
            if (lookup.Found[i] is null) missing.Add(i);
        }
        var results = new ContinuationScore[requests.Count];
        for (var i = 0; i < results.Length; i++) results[i] = lookup.Found[i].GetValueOrDefault();
        if (missing.Count > 0)
        {
            var scored = inner.Score(missing.Select(i => requests[i]).ToList(), cancellationToken);
            for (var m = 0; m < missing.Count; m++) results[missing[m]] = scored[m];
        }
        cache.Store(lookup, results);
        return results;
    }
}
