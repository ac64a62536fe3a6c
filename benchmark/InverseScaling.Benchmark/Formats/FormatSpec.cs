using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Formats;

/// <summary>A metric as one format reports it: the metric and how its chance value is computed for that format.</summary>
public sealed record FormatMetric(MetricSpec Metric, ChanceRule Chance)
{
    public string Name => Metric.Name;
}

/// <summary>
/// One of the prize's file formats: what its rows hold, how an example becomes requests, the metrics it reports (in the
/// order results list them), which of them a task may gate on, and the default when a data file comes without a card.
/// </summary>
/// <param name="Name">The official name, as <c>task.json</c> writes it.</param>
/// <param name="FileNameSuffix">The released file name's suffix before the extension (<c>_classification</c>).</param>
/// <param name="Fields">The fields every row must have.</param>
/// <param name="PrimaryMetrics">The metrics a task card may name as its primary metric; the first is the default.</param>
public sealed record FormatSpec(
    TaskFormat Format,
    string Name,
    string FileNameSuffix,
    IReadOnlyList<string> Fields,
    RequestShape Requests,
    IReadOnlyList<FormatMetric> Metrics,
    IReadOnlyList<string> PrimaryMetrics)
{
    /// <summary>The primary metric of a data file given without a <c>task.json</c>.</summary>
    public string DefaultPrimaryMetric => PrimaryMetrics[0];

    /// <summary>The names of <see cref="Metrics"/>, in order.</summary>
    public IReadOnlyList<string> MetricNames => [.. Metrics.Select(m => m.Name)];

    /// <summary>Whether the format reports <paramref name="metric"/>.</summary>
    public bool Reports(string metric) => Metrics.Any(m => m.Name == metric);

    /// <summary>Whether any metric of the format has a chance value.</summary>
    public bool HasChance => Metrics.Any(m => m.Chance.IsDefined);

    /// <summary>
    /// Uniform-chance value of each metric where defined, over examples with the given numbers of classes (0 for a
    /// format without classes), in metric order; null when no metric has one.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Chance(IEnumerable<int> classCounts)
    {
        if (!HasChance) return null;
        var counts = new List<(int Classes, int Examples)>();
        foreach (var classes in classCounts)
        {
            var i = counts.FindIndex(c => c.Classes == classes);
            if (i < 0) counts.Add((classes, 1));
            else counts[i] = (classes, counts[i].Examples + 1);
        }
        var chance = new Dictionary<string, double>();
        foreach (var metric in Metrics)
        {
            if (metric.Chance.Mean(counts) is { } value) chance[metric.Name] = value;
        }
        return chance.Count > 0 ? chance : null;
    }
}
