namespace InverseScaling.Benchmark.Randomness;

/// <summary>
/// SplitMix64: a sequence fixed by this code alone, never by the runtime's <see cref="Random"/>, so bootstrap
/// intervals and generated task files reproduce on any .NET version.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An integer in [0, <paramref name="count"/>): the high word of a 64×64-bit product (bias below 2^-33 for any array length).</summary>
    public int NextIndex(int count) => (int)Math.BigMul(NextUInt64(), (ulong)count, out _);
}
