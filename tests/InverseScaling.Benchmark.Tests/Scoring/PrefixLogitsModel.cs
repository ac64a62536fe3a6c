using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// A test double with a key/value cache whose logits depend on the whole prefix: after tokens s[0..t],
/// logits = table[s[t]] + 0.5 at index (s[0] + … + s[t]) mod V. A cache row that belonged to another prompt, or a
/// continuation run without its prompt, gives other numbers. The cache keeps each prompt's tokens; padding logits are NaN.
/// </summary>
internal sealed class PrefixLogitsModel(float[][] table, int maxContext = 64) : IKeyValueLanguageModel
{
    public int VocabularySize => table.Length;

    public int MaxContext => maxContext;

    public KeyValueShape CacheShape { get; } = new(Layers: 2, Heads: 1, HeadSize: 4);

    public bool PrefillComputesLastLogitsOnly => true;

    /// <summary>Every call: kind (forward, prefill or extend), rows and padded length; for extend also the cache rows used.</summary>
    public List<(string Kind, int Rows, int Length, int[] CacheRows)> Calls { get; } = [];

    /// <summary>Calls made from more than one thread at a time.</summary>
    public int Overlaps => overlaps;

    private int running;
    private int overlaps;

    public void Forward(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        Record(("forward", lengths.Length, sequenceLength, []));
        var logits = new float[lengths.Length * sequenceLength * VocabularySize];
        Array.Fill(logits, float.NaN);
        for (var row = 0; row < lengths.Length; row++)
        {
            var prefix = new List<long>();
            for (var t = 0; t < lengths[row]; t++)
            {
                prefix.Add(tokens[row * sequenceLength + t]);
                Next(prefix).CopyTo(logits.AsSpan((row * sequenceLength + t) * VocabularySize));
            }
        }
        consume(logits);
    }

    public IKeyValueCache Prefill(ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength, LogitsConsumer consume, CancellationToken cancellationToken)
    {
        Record(("prefill", lengths.Length, sequenceLength, []));
        var rows = new List<long>[lengths.Length];
        var logits = new float[lengths.Length * VocabularySize];
        for (var row = 0; row < rows.Length; row++)
        {
            rows[row] = [.. tokens.Slice(row * sequenceLength, lengths[row]).ToArray()];
            Next(rows[row]).CopyTo(logits.AsSpan(row * VocabularySize));
        }
        consume(logits);
        return new Cache(rows, sequenceLength);
    }

    public void Extend(IKeyValueCache cache, ReadOnlySpan<int> cacheRows, ReadOnlySpan<long> tokens, ReadOnlySpan<int> lengths, int sequenceLength,
        LogitsConsumer consume, CancellationToken cancellationToken)
    {
        var cached = (Cache)cache;
        Assert.False(cached.Disposed, "extend after the cache was disposed");
        Record(("extend", lengths.Length, sequenceLength, cacheRows.ToArray()));
        var logits = new float[lengths.Length * sequenceLength * VocabularySize];
        Array.Fill(logits, float.NaN);
        for (var row = 0; row < lengths.Length; row++)
        {
            var prefix = new List<long>(cached.Prompts[cacheRows[row]]);
            for (var t = 0; t < lengths[row]; t++)
            {
                prefix.Add(tokens[row * sequenceLength + t]);
                Next(prefix).CopyTo(logits.AsSpan((row * sequenceLength + t) * VocabularySize));
            }
        }
        consume(logits);
    }

    public void Dispose()
    {
    }

    private void Record((string, int, int, int[]) call)
    {
        if (Interlocked.Increment(ref running) > 1) Interlocked.Increment(ref overlaps);
        lock (Calls) Calls.Add(call);
        Thread.Sleep(1); // long enough for another worker to overlap
        Interlocked.Decrement(ref running);
    }

    private float[] Next(List<long> prefix)
    {
        var logits = (float[])table[prefix[^1]].Clone();
        logits[(int)(prefix.Sum() % VocabularySize)] += 0.5f;
        return logits;
    }

    private sealed class Cache(List<long>[] prompts, int length) : IKeyValueCache
    {
        public List<long>[] Prompts => prompts;
        public int Rows => prompts.Length;
        public int Length => length;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }
}
