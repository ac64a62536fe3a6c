using InverseScaling.Benchmark.Sharding;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Tests.Sharding;

public sealed class ShardPlanTests
{
    private static ShardPair Pair(string checkpoint, string task, long cost) => new(checkpoint, task, cost);

    [Fact]
    public void Equal_checkpoints_split_into_as_many_shards_go_one_checkpoint_to_a_shard()
    {
        var pairs = new[] { "a", "b", "c" }.SelectMany(c => new[] { Pair(c, "x", 10), Pair(c, "y", 10) }).ToList();

        var assigned = ShardPlan.Assign(pairs, 3);

        Assert.Equal([1, 1, 2, 2, 3, 3], assigned.Select(a => a.Shard));
    }

    [Fact]
    public void Shards_are_contiguous_runs_cut_at_the_pairs_midpoints()
    {
        // Total 22; midpoints 0.5, 1.5, 7 and 17 of 22 fall in halves 1, 1, 1 and 2: shard 1 costs 12, shard 2 costs 10.
        var pairs = new[] { Pair("small", "x", 1), Pair("small", "y", 1), Pair("large", "x", 10), Pair("large", "y", 10) };

        Assert.Equal([1, 1, 1, 2], ShardPlan.Assign(pairs, 2).Select(a => a.Shard));
        Assert.Equal([pairs[3]], ShardPlan.Slice(pairs, new ShardSpec(2, 2)));
    }

    [Fact]
    public void More_shards_than_pairs_leave_some_shards_empty_and_every_pair_in_exactly_one()
    {
        var pairs = new[] { Pair("a", "x", 5), Pair("b", "x", 5) };

        var slices = Enumerable.Range(1, 5).Select(k => ShardPlan.Slice(pairs, new ShardSpec(k, 5))).ToList();

        Assert.Equal([0, 1, 0, 1, 0], slices.Select(s => s.Count));
        Assert.Equal(pairs, slices.SelectMany(s => s));
    }

    [Fact]
    public void Without_costs_the_pairs_are_shared_out_evenly_in_order()
    {
        var pairs = Enumerable.Range(0, 7).Select(i => Pair("c", $"t{i}", 0)).ToList();

        Assert.Equal([1, 1, 1, 2, 2, 3, 3], ShardPlan.Assign(pairs, 3).Select(a => a.Shard));
    }

    [Fact]
    public void Costs_beyond_64_bits_do_not_overflow()
    {
        // Each cost is 4 × long.MaxValue: summed, doubled and multiplied by the shard count it is far past 64 bits.
        var huge = (Int128)long.MaxValue * 4;
        var pairs = new[] { new ShardPair("a", "x", huge), new ShardPair("b", "x", huge), new ShardPair("c", "x", huge), new ShardPair("d", "x", huge) };

        Assert.Equal([1, 1, 2, 2], ShardPlan.Assign(pairs, 2).Select(a => a.Shard));
    }

    [Theory]
    [InlineData("2/3", 2, 3)]
    [InlineData("1/1", 1, 1)]
    public void A_shard_is_written_k_slash_n(string value, int index, int count) =>
        Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(value));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("3")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    public void Anything_else_is_refused(string value)
    {
        var error = Assert.Throws<BenchmarkInputException>(() => ShardSpec.Parse(value));

        Assert.Equal($"{value} (--shard): not a shard. Fix: write k/n with 1 ≤ k ≤ n, such as --shard 2/4 for the second of four shards", error.Message);
    }
}
