using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Reports;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Scale;

/// <summary><c>run --shard k/n</c>: scores the units of one slice into the output folder and writes its <c>shard.json</c>.</summary>
internal static class ShardRun
{
    /// <param name="slice">The shard's pairs, from <see cref="ShardPlan.Slice"/>.</param>
    public static ShardManifest Execute(Family family, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options, ShardSpec shard,
        IReadOnlyList<ShardPair> slice, string outDirectory, IEvaluationObserver observer, CancellationToken cancellationToken)
    {
        var pairs = slice.Select(p => (p.Checkpoint, p.Task)).ToHashSet();
        var store = new UnitResultFiles(outDirectory);
        store.DeleteAbandonedFiles();
        FamilyEvaluator.ScoreUnits(family, tasks, options, (checkpoint, task) => pairs.Contains((checkpoint, task)), observer, store, cancellationToken);
        var manifest = new ShardManifest(ShardManifest.CurrentSchemaVersion, shard.Index, shard.Count, family.Name,
            tasks.Select(t => t.Name).ToList(), ShardSettings.Of(options), slice.Select(p => new ShardPairName(p.Checkpoint, p.Task)).ToList());
        manifest.Write(outDirectory);
        return manifest;
    }
}
