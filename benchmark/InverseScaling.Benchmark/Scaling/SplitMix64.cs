namespace InverseScaling.Benchmark.Scaling;

/// <summary>
/// SplitMix64, so that bootstrap draws are fixed by this code alone and never change with the runtime's
/// <see cref="Random"/>; a baseline's interval must be reproducible on any .NET version.
/// </summary>
internal struct SplitMix64(ulong seed)
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
