using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;

namespace InverseScaling.Benchmark.Tests.Baselines.Paired;

/// <summary>One task of the bundled reference family: its committed summary and per-example baseline.</summary>
internal sealed record BundledTask(Baseline Summary, PerExampleBaseline Examples)
{
    public string Name => Summary.Task;

    /// <summary>Checkpoint sizes in the order of <see cref="PerExampleBaseline.Checkpoints"/>.</summary>
    public double[] Sizes => Examples.Checkpoints.Select(c => Summary.Checkpoints.Single(s => s.Name == c).Size).ToArray();

    /// <summary>The same examples with other values.</summary>
    public PerExampleBaseline With(IReadOnlyList<IReadOnlyList<double>> values) => PerExampleBaseline.Create(
        Examples.Family, Examples.Task, Examples.Metric, Examples.TaskDataSha256, Examples.Checkpoints, Examples.Indices, values, Examples.Decimals);

    public PairedComparison CompareWith(PerExampleBaseline current, PairedTolerances? tolerances = null) =>
        PairedRule.Compare(Examples, Sizes, current, Sizes, higherIsBetter: false, tolerances, TestContext.Current.CancellationToken);
}

internal static class BundledExamples
{
    /// <summary>Every task with a per-example baseline in <c>baselines/reference/</c>, in name order.</summary>
    public static IReadOnlyList<BundledTask> Load()
    {
        var folder = Path.Combine(TestPaths.Baselines, "reference");
        return Directory.GetFiles(folder, "*" + PerExampleBaselineFile.VerifiedSuffix)
            .Select(path => Path.GetFileName(path)[..^PerExampleBaselineFile.VerifiedSuffix.Length])
            .Order(StringComparer.Ordinal)
            .Select(task => new BundledTask(
                BaselineStore.ReadFile(Path.Combine(folder, task + BaselineStore.VerifiedSuffix), "reference", task),
                PerExampleBaselineFile.Read(Path.Combine(folder, task + PerExampleBaselineFile.VerifiedSuffix), "reference", task)))
            .ToArray();
    }
}
