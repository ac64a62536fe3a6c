using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Sharding;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (1-based), as <c>--shard k/n</c> writes it.</summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    public const string Option = "--shard";

    public override string ToString() => $"{Index}/{Count}";

    /// <exception cref="BenchmarkInputException">Not of the form k/n with 1 ≤ k ≤ n.</exception>
    public static ShardSpec Parse(string value)
    {
        var parts = value.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var index) && int.TryParse(parts[1], out var count) && count >= 1 && index >= 1 && index <= count)
            return new ShardSpec(index, count);
        throw new BenchmarkInputException(value, "not a shard", "write k/n with 1 ≤ k ≤ n, such as --shard 2/4 for the second of four shards", field: Option);
    }
}
