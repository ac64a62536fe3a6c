namespace InverseScaling.Benchmark.Tasks;

/// <summary>The official file formats of the Inverse Scaling Prize.</summary>
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
