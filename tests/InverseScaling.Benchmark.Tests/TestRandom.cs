using InverseScaling.Benchmark.Randomness;

namespace InverseScaling.Benchmark.Tests;

/// <summary>The project's SplitMix64 behind <see cref="Random"/>-like calls, so random test inputs are fixed by the seed on any runtime.</summary>
internal sealed class TestRandom(ulong seed)
{
    private SplitMix64 _source = new(seed);

    /// <summary>An integer in [0, <paramref name="count"/>).</summary>
    public int Next(int count) => _source.NextIndex(count);

    /// <summary>An integer in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public int Next(int low, int high) => low + _source.NextIndex(high - low);

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (_source.NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
