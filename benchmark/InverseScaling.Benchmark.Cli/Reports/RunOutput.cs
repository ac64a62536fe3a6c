using System.Text.Json;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Reports;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Cli.Reports;

/// <summary>
/// A run's output folder read back: <c>summary.json</c>, the per-example files under <c>examples/</c>, and the
/// run's result per task in the form the gate compares (<c>gate/&lt;task&gt;.json</c>, see <see cref="GateResultFiles"/>).
/// </summary>
internal sealed record RunOutput(string Directory, RunSummary Summary)
{
    /// <summary>The folder's name, to tell apart two runs of the same family.</summary>
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Directory));

    /// <exception cref="BenchmarkInputException">The folder or its summary.json is missing or unreadable.</exception>
    public static RunOutput Load(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new BenchmarkInputException(directory, "no such folder", "give the output folder of a run (its --out)");
        var path = Path.Combine(directory, ResultFiles.SummaryFileName);
        if (!File.Exists(path))
            throw new BenchmarkInputException(path, $"the folder has no {ResultFiles.SummaryFileName}",
                "give the output folder of a finished run (its --out); a run writes summary.json when it ends");
        RunSummary? summary;
        try
        {
            summary = JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), SuiteJson.Indented);
        }
        catch (JsonException e)
        {
            throw new BenchmarkInputException(path, $"it is not a readable run summary: {FirstSentence(e.Message)}",
                "run the benchmark again to rewrite it", e.LineNumber is { } line ? (int)line + 1 : null, JsonField(e.Path), e);
        }
        if (summary?.Family is null || summary.Tasks is null || summary.Checkpoints is null || summary.Settings is null)
            throw new BenchmarkInputException(path, "it lacks family, settings, checkpoints or tasks", "run the benchmark again to rewrite it");
        return new RunOutput(directory, summary);
    }

    /// <summary>The run's result for <paramref name="task"/> as the gate reads it, or null when the run wrote none.</summary>
    public Baseline? ReadGateResult(string task)
    {
        var path = GateResultFiles.PathOf(Directory, task);
        return File.Exists(path) ? BaselineStore.ReadFile(path, Summary.Family, task) : null;
    }

    /// <summary>The per-example scores of one task set on one checkpoint, or null when the file is missing.</summary>
    /// <exception cref="BenchmarkInputException">A line is not a readable example score.</exception>
    public IReadOnlyList<ExampleScore>? ReadExamples(string task, string checkpoint, bool control)
    {
        var path = ResultFiles.ExamplesPath(Directory, task, checkpoint, control);
        if (!File.Exists(path)) return null;
        var scores = new List<ExampleScore>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                scores.Add(JsonSerializer.Deserialize<ExampleScore>(line, SuiteJson.Compact)
                    ?? throw new JsonException("the line is null"));
            }
            catch (JsonException e)
            {
                throw new BenchmarkInputException(path, $"it is not a readable example score: {FirstSentence(e.Message)}",
                    "run the benchmark again to rewrite the folder", number, JsonField(e.Path), e);
            }
        }
        return scores;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.');
    }

    private static string? JsonField(string? path) =>
        path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
