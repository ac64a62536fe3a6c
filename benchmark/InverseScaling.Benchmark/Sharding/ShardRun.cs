using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Sharding;

/// <summary><c>run --shard k/n</c>: scores the units of one slice into the shard's run folder and writes its <c>shard.json</c>.</summary>
public static class ShardRun
{
    /// <summary>The slice of <paramref name="shard"/>, from family.json and the task files alone (no model is opened).</summary>
    public static IReadOnlyList<ShardPair> Plan(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options, ShardSpec shard) =>
        ShardPlan.Slice(ShardPairs.Of(family, tasks, options), shard);

    /// <param name="slice">The shard's pairs, from <see cref="Plan"/>.</param>
    public static ShardManifest Execute(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options, ShardSpec shard,
        IReadOnlyList<ShardPair> slice, RunFolder output, IEvaluationObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(output);
        var pairs = slice.Select(p => (p.Checkpoint, p.Task)).ToHashSet();
        output.DeleteAbandonedFiles();
        FamilyEvaluator.ScoreUnits(family, tasks, options, (checkpoint, task) => pairs.Contains((checkpoint, task)), observer, output.Units, cancellationToken);
        var manifest = new ShardManifest(ShardManifest.CurrentSchemaVersion, shard.Index, shard.Count, family.Name,
            tasks.Select(t => t.Name).ToList(), ShardSettings.Of(options), slice.Select(p => new ShardPairName(p.Checkpoint, p.Task)).ToList());
        manifest.Write(output);
        return manifest;
    }
}
