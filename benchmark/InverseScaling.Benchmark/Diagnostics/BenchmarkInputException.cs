namespace InverseScaling.Benchmark.Diagnostics;

/// <summary>
/// Bad input: a task file, family manifest, model, tokenizer or baseline the suite cannot use.
/// The message names the file, the line or field, what is wrong and how to fix it, on one line: control characters in any
/// part are escaped (<see cref="TextExcerpt.OneLine"/>).
/// </summary>
public sealed class BenchmarkInputException : Exception
{
    public BenchmarkInputException(string file, string problem, string fix, int? line = null, string? field = null, Exception? inner = null)
        : base(Format(file, line, field, problem, fix), inner)
    {
        File = file;
        Line = line;
        Field = field;
        Problem = problem;
        Fix = fix;
    }

    public string File { get; }
    public int? Line { get; }
    public string? Field { get; }
    public string Problem { get; }
    public string Fix { get; }

    private static string Format(string file, int? line, string? field, string problem, string fix)
    {
        var where = file;
        if (line is { } l) where += $":{l}";
        if (field is not null) where += $" ({field})";
        return TextExcerpt.OneLine($"{where}: {problem}. Fix: {fix}");
    }
}
