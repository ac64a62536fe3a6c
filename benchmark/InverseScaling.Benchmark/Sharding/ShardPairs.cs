using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Sharding;

/// <summary>A run's (checkpoint, task) pairs with their estimated cost, in the order <see cref="ShardPlan"/> slices them.</summary>
internal static class ShardPairs
{
    /// <summary>Checkpoints in the family's order, tasks in the run's order; cost = bytes of task text read × parameters.</summary>
    public static IReadOnlyList<ShardPair> Of(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options)
    {
        var bytes = tasks.ToDictionary(t => t.Name, t =>
            Bytes(t.DataPath, options.Limit) + (options.IncludeControls && t.ControlPath is { } control ? Bytes(control, options.Limit) : 0));
        return family.Checkpoints
            .SelectMany(c => tasks.Select(t => new ShardPair(c.Name, t.Name, (Int128)bytes[t.Name] * Math.Max(1, c.Manifest.Parameters))))
            .ToList();
    }

    /// <summary>The file's size, scaled to the share of its lines a limit keeps.</summary>
    private static long Bytes(string path, int? limit)
    {
        var size = new FileInfo(path).Length;
        if (limit is not { } keep) return size;
        // Every non-empty line, a csv's header included.
        long lines = FamilyEvaluator.CountLines(path, limit: null) + (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? 1 : 0);
        return lines <= keep ? size : size * keep / lines;
    }
}
