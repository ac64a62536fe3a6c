namespace InverseScaling.Benchmark.Formats;

/// <summary>
/// How a metric's uniform-chance value follows from the examples: each example's value at chance, from its number of
/// classes, averaged over the examples. <see cref="Undefined"/> where a uniform guess has no meaning for the metric.
/// </summary>
/// <param name="Description">For documentation: "mean of 1/#classes".</param>
/// <param name="PerExample">The value at chance of an example with the given number of classes; null when undefined.</param>
public sealed record ChanceRule(string Description, Func<int, double>? PerExample)
{
    public static ChanceRule Undefined { get; } = new("undefined", null);

    /// <summary>Accuracy of a uniform guess: 1/n.</summary>
    public static ChanceRule InverseClassCount { get; } = new("mean of 1/#classes", classes => 1.0 / classes);

    /// <summary>Classification loss of uniform class probabilities: ln n.</summary>
    public static ChanceRule LogClassCount { get; } = new("mean of ln(#classes)", classes => Math.Log(classes));

    public bool IsDefined => PerExample is not null;

    /// <summary>
    /// The mean over examples given as (number of classes, number of examples with it), summed as share × value so that
    /// examples which all have n classes give exactly the value for n. Null when undefined or when there are no examples.
    /// </summary>
    public double? Mean(IReadOnlyList<(int Classes, int Examples)> classCounts)
    {
        var total = classCounts.Sum(c => c.Examples);
        if (PerExample is null || total == 0) return null;
        var mean = 0.0;
        foreach (var (classes, examples) in classCounts) mean += (double)examples / total * PerExample(classes);
        return mean;
    }
}
