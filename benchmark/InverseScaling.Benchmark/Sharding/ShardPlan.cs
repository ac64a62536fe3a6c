namespace InverseScaling.Benchmark.Sharding;

/// <summary>One (checkpoint, task) pair of a run: the task's data and, when the run scores it, its control set.</summary>
/// <param name="Cost">Estimated scoring work: bytes of task text read times the checkpoint's parameters.</param>
public sealed record ShardPair(string Checkpoint, string Task, Int128 Cost);

/// <summary>
/// Splits a run's (checkpoint, task) pairs into <c>n</c> shards. Pairs are taken checkpoint by checkpoint in the
/// family's order, tasks in the run's order, and cut into contiguous runs of about equal estimated cost, so that a shard
/// loads few checkpoints and the shards take about equally long. Every machine computes the same slices from the
/// same family.json, task files and options, with integer arithmetic only.
/// </summary>
internal static class ShardPlan
{
    /// <summary>Every pair with the shard (1-based) that scores it.</summary>
    public static IReadOnlyList<(ShardPair Pair, int Shard)> Assign(IReadOnlyList<ShardPair> pairs, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Int128 total = 0;
        foreach (var pair in pairs)
        {
            if (pair.Cost < 0) throw new ArgumentException($"pair {pair.Checkpoint} · {pair.Task} has a negative cost", nameof(pairs));
            total += pair.Cost;
        }
        var assigned = new List<(ShardPair, int)>(pairs.Count);
        Int128 before = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            // The shard whose share of the total holds the pair's midpoint; equal shares when nothing has a cost.
            var shard = total == 0
                ? (int)((long)i * shards / pairs.Count)
                : (int)Int128.Min((2 * before + pairs[i].Cost) * shards / (2 * total), shards - 1);
            assigned.Add((pairs[i], shard + 1));
            before += pairs[i].Cost;
        }
        return assigned;
    }

    /// <summary>The pairs of shard <paramref name="shard"/>.</summary>
    public static IReadOnlyList<ShardPair> Slice(IReadOnlyList<ShardPair> pairs, ShardSpec shard) =>
        Assign(pairs, shard.Count).Where(a => a.Shard == shard.Index).Select(a => a.Pair).ToList();
}
