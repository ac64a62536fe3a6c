namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// Runs a scorer's work items (one per planned batch, longest first) on its workers: in order on one, or on several
/// threads at once (one per core by default), each taking the next item when it is free. Results do not depend on it:
/// every item writes its own token slots.
/// </summary>
internal static class BatchScheduler
{
    /// <summary>Runs <paramref name="work"/>; returns the workers used (at most one per item), for their statistics.</summary>
    public static IReadOnlyList<ScoringWorker> Run(IReadOnlyList<Action<ScoringWorker>> work, int workers, Func<ScoringWorker> createWorker,
        CancellationToken cancellationToken)
    {
        var pool = Enumerable.Range(0, Math.Min(workers, Math.Max(1, work.Count))).Select(_ => createWorker()).ToArray();
        if (pool.Length == 1)
        {
            foreach (var item in work)
            {
                cancellationToken.ThrowIfCancellationRequested();
                item(pool[0]);
            }
            return pool;
        }

        // The first failure stops the other workers at their next item, and the failure of the earliest item is rethrown as
        // itself (never an AggregateException), so a bad model gives one error however the items fell to the workers.
        var next = -1;
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<int, Exception>();
        Parallel.ForEach(pool, new ParallelOptions { MaxDegreeOfParallelism = pool.Length, CancellationToken = cancellationToken }, worker =>
        {
            for (var i = Interlocked.Increment(ref next); i < work.Count && failures.IsEmpty; i = Interlocked.Increment(ref next))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    work[i](worker);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures[i] = e;
                }
            }
        });
        if (!failures.IsEmpty) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures.MinBy(f => f.Key).Value);
        return pool;
    }
}

/// <summary>One thread's share of a scoring call: its log-softmax scratch and its counts; it writes token scores into the shared slots.</summary>
internal sealed class ScoringWorker(TokenSlots slots, int vocabulary)
{
    public TokenSlots Slots => slots;

    public double[] Scratch { get; } = new double[vocabulary];

    public ScoringStatistics Statistics { get; private set; } = ScoringStatistics.Empty;

    /// <param name="fullHead">The head ran at every position although the scorer asked for the scored ones only.</param>
    public void Count(int rows, long real, long padded, long logitPositions, long pairs, TimeSpan elapsed, bool fullHead) => Statistics = Statistics.Add(
        new ScoringStatistics(0, rows, 1, real, padded, elapsed) { LogitPositions = logitPositions, AttentionPairs = pairs, FullHeadBatches = fullHead ? 1 : 0 });
}
