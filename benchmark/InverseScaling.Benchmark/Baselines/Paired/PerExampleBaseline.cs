using System.Globalization;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>
/// Every example's value of a task's primary metric on every checkpoint of a family, at a fixed decimal precision: what the
/// gate pairs a new run's examples with. The contents of <c>&lt;task&gt;.verified.per-example.tsv</c> beside the summary
/// <c>&lt;task&gt;.verified.json</c>. Build it with <see cref="Create"/> or <see cref="FromScores"/>.
/// </summary>
/// <param name="TaskDataSha256">sha256 of the task data the examples were read from; pairing needs the same data.</param>
/// <param name="Checkpoints">Checkpoint names, in the order of <see cref="Values"/> (the summary's order: by size).</param>
/// <param name="Indices">Example indices in the task file, strictly increasing; the rows of every column.</param>
/// <param name="Values"><c>Values[checkpoint][row]</c>, rounded to <see cref="Decimals"/> decimal places.</param>
public sealed record PerExampleBaseline(
    int SchemaVersion,
    string Family,
    string Task,
    string Metric,
    string TaskDataSha256,
    int Decimals,
    IReadOnlyList<string> Checkpoints,
    IReadOnlyList<int> Indices,
    IReadOnlyList<IReadOnlyList<double>> Values)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>
    /// Decimal places kept: rounding moves a value by at most 5e-8, a 40th of the largest difference seen between runs of one
    /// model (about 2e-6) and a 20,000th of the paired rule's default threshold (<see cref="PairedTolerances.DefaultThreshold"/>).
    /// </summary>
    public const int DefaultDecimals = 7;

    /// <summary>The most decimal places a file may declare: beyond 15 a double has no more digits to keep.</summary>
    public const int MaximumDecimals = 15;

    /// <summary>Builds the record, rounding every value to <paramref name="decimals"/> places.</summary>
    /// <exception cref="ArgumentException">A name is invalid, the hash is not sha256, a checkpoint repeats, indices are not
    /// strictly increasing and non-negative, a column's length differs from the indices', or a value is not finite.</exception>
    public static PerExampleBaseline Create(
        string family,
        string task,
        string metric,
        string taskDataSha256,
        IReadOnlyList<string> checkpoints,
        IReadOnlyList<int> indices,
        IReadOnlyList<IReadOnlyList<double>> values,
        int decimals = DefaultDecimals)
    {
        if (!Baseline.IsValidName(family)) throw new ArgumentException($"'{family}' is not a valid family name", nameof(family));
        if (!Baseline.IsValidName(task)) throw new ArgumentException($"'{task}' is not a valid task name", nameof(task));
        if (!Baseline.IsValidName(metric)) throw new ArgumentException($"'{metric}' is not a valid metric name", nameof(metric));
        if (!FileHash.IsSha256(taskDataSha256)) throw new ArgumentException("the task data hash must be 64 hexadecimal digits", nameof(taskDataSha256));
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, MaximumDecimals);
        if (checkpoints.Count == 0) throw new ArgumentException("at least one checkpoint is needed", nameof(checkpoints));
        if (indices.Count == 0) throw new ArgumentException("at least one example is needed", nameof(indices));
        if (values.Count != checkpoints.Count)
            throw new ArgumentException($"{checkpoints.Count} checkpoints but {values.Count} columns of values", nameof(values));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in checkpoints)
        {
            if (!Baseline.IsValidName(name)) throw new ArgumentException($"'{name}' is not a valid checkpoint name", nameof(checkpoints));
            if (!seen.Add(name)) throw new ArgumentException($"checkpoint '{name}' appears twice", nameof(checkpoints));
        }
        for (var i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || i > 0 && indices[i] <= indices[i - 1])
                throw new ArgumentException($"example indices must be non-negative and strictly increasing; row {i} has {indices[i]}", nameof(indices));
        }

        var columns = new IReadOnlyList<double>[values.Count];
        for (var j = 0; j < values.Count; j++)
        {
            var source = values[j] ?? throw new ArgumentException($"checkpoint '{checkpoints[j]}' has no values", nameof(values));
            if (source.Count != indices.Count)
                throw new ArgumentException($"checkpoint '{checkpoints[j]}' has {source.Count} values for {indices.Count} examples", nameof(values));
            var column = new double[source.Count];
            for (var i = 0; i < column.Length; i++)
            {
                if (!double.IsFinite(source[i]))
                    throw new ArgumentException($"checkpoint '{checkpoints[j]}', example {indices[i]} has the value {source[i].ToString(CultureInfo.InvariantCulture)}; values must be finite", nameof(values));
                column[i] = Round(source[i], decimals);
            }
            columns[j] = column;
        }
        return new PerExampleBaseline(CurrentSchemaVersion, family, task, metric, taskDataSha256.ToLowerInvariant(), decimals,
            checkpoints.ToArray(), indices.ToArray(), columns);
    }

    /// <summary>
    /// Builds the record from per-example scores: <paramref name="metric"/>'s value of each example (as the metrics and the
    /// scaling fit read it), one column per checkpoint in the given order. Every checkpoint must hold the same examples.
    /// </summary>
    /// <exception cref="ArgumentException">The checkpoints hold different examples, or the metric cannot be read from the scores.</exception>
    public static PerExampleBaseline FromScores(
        string family,
        string task,
        string metric,
        string taskDataSha256,
        IReadOnlyList<(string Checkpoint, IReadOnlyList<ExampleScore> Scores)> checkpoints,
        int decimals = DefaultDecimals)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.Count == 0) throw new ArgumentException("at least one checkpoint is needed", nameof(checkpoints));
        // Read in one pass per checkpoint and kept as plain arrays: a run of 100,000 examples holds its scores as columns
        // (Evaluation.ExampleScoreColumns), and no score object outlives the loop.
        var first = checkpoints[0].Scores;
        var indices = new int[first.Count];
        for (var i = 0; i < indices.Length; i++) indices[i] = first[i].Index;
        var order = Enumerable.Range(0, indices.Length).ToArray();
        Array.Sort(indices.ToArray(), order);
        var sorted = order.Select(i => indices[i]).ToArray();

        var columns = new List<IReadOnlyList<double>>();
        foreach (var (name, scores) in checkpoints)
        {
            if (scores.Count != indices.Length)
                throw new ArgumentException($"checkpoint '{name}' holds {scores.Count} examples, '{checkpoints[0].Checkpoint}' {indices.Length}", nameof(checkpoints));
            var values = MetricAggregation.Values(metric, scores);
            var position = new Dictionary<int, int>(0);
            for (var i = 0; i < indices.Length; i++)
            {
                if (scores[i].Index == indices[i]) continue;
                // Another order than the first checkpoint's: align by index.
                position = Enumerable.Range(0, scores.Count).ToDictionary(r => scores[r].Index);
                if (position.Count != indices.Length || indices.Any(x => !position.ContainsKey(x)))
                    throw new ArgumentException($"checkpoint '{name}' does not hold the same examples as '{checkpoints[0].Checkpoint}'", nameof(checkpoints));
                break;
            }
            columns.Add(position.Count == 0
                ? order.Select(r => values[r]).ToArray()
                : sorted.Select(x => values[position[x]]).ToArray());
        }
        return Create(family, task, metric, taskDataSha256, checkpoints.Select(c => c.Checkpoint).ToArray(), sorted, columns, decimals);
    }

    /// <summary>The column of <paramref name="checkpoint"/>, or null when it has none.</summary>
    public IReadOnlyList<double>? Column(string checkpoint)
    {
        for (var j = 0; j < Checkpoints.Count; j++)
        {
            if (Checkpoints[j] == checkpoint) return Values[j];
        }
        return null;
    }

    /// <summary>Rounds half to even at <paramref name="decimals"/> places; −0 becomes 0.</summary>
    public static double Round(double value, int decimals)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.ToEven);
        return rounded == 0 ? 0 : rounded;
    }
}
