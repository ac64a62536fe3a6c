using InverseScaling.Benchmark.Formats;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>The official file formats of the Inverse Scaling Prize; <see cref="FormatCatalog"/> describes each.</summary>
public enum TaskFormat
{
    /// <summary><c>{prompt, classes, answer_index}</c>: pick one of several completions.</summary>
    Classification,
    /// <summary><c>{prompt, completion}</c>: loss of one completion.</summary>
    SequenceProb,
    /// <summary><c>{prompt, other_prompt, classes, answer_index}</c>: log-odds difference between two prompts.</summary>
    LogOdds,
    /// <summary>As <see cref="LogOdds"/>, scored by the absolute difference.</summary>
    AbsoluteLogOdds,
}

/// <summary>A format's entry in the catalog.</summary>
public static class TaskFormatExtensions
{
    public static FormatSpec Spec(this TaskFormat format) => FormatCatalog.Get(format);

    /// <summary>The official name, as <c>task.json</c> writes it.</summary>
    public static string ToName(this TaskFormat format) => FormatCatalog.Get(format).Name;
}
