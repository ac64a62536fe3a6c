namespace InverseScaling.Benchmark.Tasks;

/// <summary>Where a record came from: file and 1-based line (the data row for CSV).</summary>
public readonly record struct SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>One row of a task file. <see cref="Index"/> is the 0-based row number among the file's examples.</summary>
public abstract record TaskExample(int Index, SourceLocation Source, string Prompt);

/// <summary>A prompt with two or more candidate completions (each normally starting with a space) and the gold index.</summary>
public sealed record ClassificationExample(int Index, SourceLocation Source, string Prompt, IReadOnlyList<string> Classes, int AnswerIndex)
    : TaskExample(Index, Source, Prompt);

/// <summary>A prompt and the one completion whose loss is measured.</summary>
internal sealed record SequenceProbExample(int Index, SourceLocation Source, string Prompt, string Completion)
    : TaskExample(Index, Source, Prompt);

/// <summary>Two prompts scored on the same two classes; used by the logodds and absolute_logodds formats.</summary>
internal sealed record LogOddsExample(int Index, SourceLocation Source, string Prompt, string OtherPrompt, IReadOnlyList<string> Classes, int AnswerIndex)
    : TaskExample(Index, Source, Prompt);
