using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Formats;

/// <summary>
/// The four official formats of the Inverse Scaling Prize: the one place that says what each reads, asks, reports and
/// gates on. Task cards, data files without a card, aggregation, fitting, the gate and the generators all read it.
/// </summary>
public static class FormatCatalog
{
    /// <summary><c>{prompt, classes, answer_index}</c>: pick one of two or more completions.</summary>
    public static FormatSpec Classification { get; } = new(
        TaskFormat.Classification, "classification", "_classification",
        ["prompt", "classes", "answer_index"],
        RequestShape.EachClassAfterPrompt,
        [
            new(MetricCatalog.Accuracy, ChanceRule.InverseClassCount),
            new(MetricCatalog.Loss, ChanceRule.LogClassCount),
            new(MetricCatalog.TotalLogProbability, ChanceRule.Undefined),
        ],
        // The classification loss first: what the prize judged on, and it moves even for models at chance accuracy.
        [MetricCatalog.Loss.Name, MetricCatalog.Accuracy.Name]);

    /// <summary><c>{prompt, completion}</c>: the loss of one completion.</summary>
    public static FormatSpec SequenceProb { get; } = new(
        TaskFormat.SequenceProb, "sequence_prob", "_sequence-probability",
        ["prompt", "completion"],
        RequestShape.CompletionAfterPrompt,
        [new(MetricCatalog.Loss, ChanceRule.Undefined)],
        [MetricCatalog.Loss.Name]);

    /// <summary><c>{prompt, other_prompt, classes, answer_index}</c>: how much the gold class's log-odds moves between two prompts.</summary>
    public static FormatSpec LogOdds { get; } = LogOddsFormat(TaskFormat.LogOdds, "logodds", "_logodds");

    /// <summary>As <see cref="LogOdds"/>, scored by the magnitude of the move.</summary>
    public static FormatSpec AbsoluteLogOdds { get; } = LogOddsFormat(TaskFormat.AbsoluteLogOdds, "absolute_logodds", "_absolute-logodds");

    /// <summary>Every format, in <see cref="TaskFormat"/> order.</summary>
    public static IReadOnlyList<FormatSpec> All { get; } = [Classification, SequenceProb, LogOdds, AbsoluteLogOdds];

    /// <summary>The official names, for messages: "classification, sequence_prob, logodds, absolute_logodds".</summary>
    public static string Names => string.Join(", ", All.Select(f => f.Name));

    public static FormatSpec Get(TaskFormat format) => All.FirstOrDefault(f => f.Format == format)
        ?? throw new ArgumentOutOfRangeException(nameof(format), format, "unknown task format");

    /// <summary>The format with the official name <paramref name="name"/>, or null.</summary>
    public static FormatSpec? Find(string? name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>The format with the official name <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such format: a bug, since task cards are checked against this catalog.</exception>
    public static FormatSpec Get(string name) => Find(name)
        ?? throw new ArgumentException($"unknown task format '{name}' (known: {Names})", nameof(name));

    /// <summary>The format a released file name ends in (<c>memo-trap_classification.jsonl</c>), or null.</summary>
    public static FormatSpec? FromFileName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        return All.FirstOrDefault(f => stem.EndsWith(f.FileNameSuffix, StringComparison.Ordinal));
    }

    private static FormatSpec LogOddsFormat(TaskFormat format, string name, string suffix) => new(
        format, name, suffix,
        ["prompt", "other_prompt", "classes", "answer_index"],
        RequestShape.EachClassAfterBothPrompts,
        [
            new(MetricCatalog.LogOddsDifference, ChanceRule.Undefined),
            new(MetricCatalog.Accuracy, ChanceRule.InverseClassCount),
            new(MetricCatalog.TotalLogProbability, ChanceRule.Undefined),
        ],
        [MetricCatalog.LogOddsDifference.Name, MetricCatalog.Accuracy.Name]);
}
