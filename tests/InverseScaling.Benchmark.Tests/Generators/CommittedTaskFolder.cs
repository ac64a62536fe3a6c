using System.Globalization;
using System.Text.Json;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Generators;

/// <summary>One line of a committed task file, read without the library's loader: classification or sequence_prob fields.</summary>
internal sealed record CommittedRow(int Line, string Prompt, IReadOnlyList<string>? Classes, int? AnswerIndex, string? Completion);

/// <summary>Reads the committed <c>tasks/&lt;name&gt;/</c> folders and checks them against the suite's quality rules.</summary>
/// <remarks>Independent of the generator kit on purpose: the limits below are the brief's, restated.</remarks>
internal static class CommittedTaskFolder
{
    public const int MinExamples = 300;
    public const int MaxExamples = 400;
    public const int MinControl = 150;
    public const int MaxControl = 300;

    /// <summary>Most characters a prompt plus its longest class may have (1,024 reference-tokenizer tokens at about 3 characters each).</summary>
    public const int MaxPromptChars = 2_800;

    public static string Folder(string name) => Path.Combine(TestPaths.Tasks, name);

    /// <summary>Every folder under <c>tasks/</c> that holds a <c>task.json</c>.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(TestPaths.Tasks)) return data;
        foreach (var dir in Directory.GetDirectories(TestPaths.Tasks).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "task.json"))) data.Add(Path.GetFileName(dir));
        return data;
    }

    public static TaskDefinition ReadDefinition(string name) => ReadDefinitionIn(Folder(name));

    /// <summary>
    /// Every way the task's committed files break the quality rules; empty when they follow them. Where given,
    /// <paramref name="shots"/> and <paramref name="cause"/> are what the task's <c>task.json</c> must state.
    /// </summary>
    public static IReadOnlyList<string> QualityProblems(string name, int? shots = null, string? cause = null) =>
        QualityProblemsIn(Folder(name), shots, cause);

    private static TaskDefinition ReadDefinitionIn(string folder) =>
        JsonSerializer.Deserialize<TaskDefinition>(File.ReadAllText(Path.Combine(folder, "task.json")), SuiteJson.Indented)
        ?? throw new InvalidDataException($"{folder}/task.json is null");

    private static IReadOnlyList<CommittedRow> ReadRows(string folder, string file)
    {
        var rows = new List<CommittedRow>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(Path.Combine(folder, file)))
        {
            lineNumber++;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            rows.Add(new CommittedRow(
                lineNumber,
                root.GetProperty("prompt").GetString()!,
                root.TryGetProperty("classes", out var classes) ? classes.EnumerateArray().Select(c => c.GetString()!).ToList() : null,
                root.TryGetProperty("answer_index", out var answer) ? answer.GetInt32() : null,
                root.TryGetProperty("completion", out var completion) ? completion.GetString() : null));
        }
        return rows;
    }

    /// <summary><see cref="QualityProblems"/> of the task folder at <paramref name="folder"/>, which names the task.</summary>
    internal static IReadOnlyList<string> QualityProblemsIn(string folder, int? shots = null, string? cause = null)
    {
        var name = Path.GetFileName(folder);
        var problems = new List<string>();
        var definition = ReadDefinitionIn(folder);
        problems.AddRange(DefinitionProblems(name, definition));
        if (shots is { } expectedShots && definition.Shots != expectedShots) problems.Add($"task.json shots is {definition.Shots}, expected {expectedShots}");
        if (cause is not null && definition.Cause != cause) problems.Add($"task.json cause is '{definition.Cause}', expected '{cause}'");
        if (!File.Exists(Path.Combine(folder, "README.md"))) problems.Add("README.md (the card) is missing");

        var sequence = definition.Format == "sequence_prob";
        IReadOnlyList<CommittedRow> rows = [];
        if (File.Exists(Path.Combine(folder, definition.Data)))
        {
            rows = ReadRows(folder, definition.Data);
            problems.AddRange(RowProblems(definition.Data, rows, sequence, MinExamples, MaxExamples));
            if (!sequence && rows.All(r => r.Classes is { Count: > 0 }))
            {
                var expected = ExpectedChance(rows);
                foreach (var (metric, value) in expected)
                {
                    if (definition.Chance is null || !definition.Chance.TryGetValue(metric, out var stated))
                        problems.Add($"task.json chance.{metric} is missing (the rows imply {value.ToString("R", CultureInfo.InvariantCulture)})");
                    else if (Math.Abs(stated - value) > 1e-12)
                        problems.Add($"task.json chance.{metric} is {stated.ToString("R", CultureInfo.InvariantCulture)} but the rows imply {value.ToString("R", CultureInfo.InvariantCulture)}");
                }
            }
        }
        else problems.Add($"data file {definition.Data} is missing");

        if (definition.Control is { } control)
        {
            if (File.Exists(Path.Combine(folder, control)))
            {
                var controlRows = ReadRows(folder, control);
                problems.AddRange(RowProblems(control, controlRows, sequence, MinControl, MaxControl));
                var shared = rows.Select(r => r.Prompt).Intersect(controlRows.Select(r => r.Prompt), StringComparer.Ordinal).Count();
                if (shared > 0) problems.Add($"{shared} prompt(s) of {definition.Data} also stand in {control}; the control must be other items");
            }
            else problems.Add($"control file {control} is missing");
        }
        return problems;
    }

    private static IEnumerable<string> DefinitionProblems(string name, TaskDefinition d)
    {
        if (d.SchemaVersion != TaskDefinition.CurrentSchemaVersion) yield return $"task.json schemaVersion is {d.SchemaVersion}, expected {TaskDefinition.CurrentSchemaVersion}";
        if (d.Name != name) yield return $"task.json name is '{d.Name}', expected the folder name '{name}'";
        var sequence = d.Format == "sequence_prob";
        if (d.Format != "classification" && !sequence) yield return $"task.json format is '{d.Format}', expected classification or sequence_prob";
        var expectedData = sequence ? $"{name}_sequence-probability.jsonl" : $"{name}_classification.jsonl";
        if (d.Data != expectedData) yield return $"task.json data is '{d.Data}', expected '{expectedData}' (the released file name)";
        if (d.Control != "control.jsonl") yield return $"task.json control is '{d.Control}', expected 'control.jsonl'";
        var (primary, metrics) = sequence ? ("loss", new[] { "loss" }) : ("loss", new[] { "accuracy", "loss", "total_logprob" });
        if (d.PrimaryMetric != primary) yield return $"task.json primaryMetric is '{d.PrimaryMetric}', expected '{primary}'";
        if (d.Metrics is null || !d.Metrics.SequenceEqual(metrics)) yield return $"task.json metrics are [{string.Join(",", d.Metrics ?? [])}], expected [{string.Join(",", metrics)}]";
        if (d.Shots < 0) yield return $"task.json shots is {d.Shots}, expected 0 or more";
        if (d.Cause is null || !InverseScalingCauses.All.Contains(d.Cause)) yield return $"task.json cause is '{d.Cause}', expected one of {string.Join(", ", InverseScalingCauses.All)}";
        if (string.IsNullOrWhiteSpace(d.CorrectBehaviour)) yield return "task.json correctBehaviour is empty";
        if (sequence && d.Chance is not null) yield return "task.json has chance, which is undefined for sequence_prob";
        if (d.Generator is not { } g) yield return "task.json has no generator";
        else if (g.Name != name || g.Version < 1) yield return $"task.json generator is {g}, expected name '{name}' and version 1 or more";
    }

    private static IEnumerable<string> RowProblems(string file, IReadOnlyList<CommittedRow> rows, bool sequence, int min, int max)
    {
        if (rows.Count < min || rows.Count > max) yield return $"{file}: {rows.Count} rows, expected {min}–{max}";
        foreach (var group in rows.GroupBy(r => r.Prompt, StringComparer.Ordinal).Where(g => g.Count() > 1))
            yield return $"{file}: lines {string.Join(", ", group.Select(r => r.Line))} have the same prompt";
        foreach (var row in rows)
        {
            if (row.Prompt.Length == 0 || char.IsWhiteSpace(row.Prompt[^1])) yield return $"{file}:{row.Line}: the prompt is empty or ends in whitespace (the space belongs to the class)";
            if (sequence)
            {
                if (row.Completion is not { Length: >= 2 } completion || completion[0] != ' ' || char.IsWhiteSpace(completion[1]))
                    yield return $"{file}:{row.Line}: the completion must be one space and then text";
                else if (row.Prompt.Length + completion.Length > MaxPromptChars)
                    yield return $"{file}:{row.Line}: prompt plus completion is {row.Prompt.Length + completion.Length} characters, over {MaxPromptChars}";
                continue;
            }
            if (row.Classes is not { Count: >= 2 } classes || row.AnswerIndex is not { } answer)
            {
                yield return $"{file}:{row.Line}: needs classes (two or more) and answer_index";
                continue;
            }
            if (answer < 0 || answer >= classes.Count) yield return $"{file}:{row.Line}: answer_index {answer} is out of range";
            if (classes.Any(c => c.Length < 2 || c[0] != ' ' || char.IsWhiteSpace(c[1]))) yield return $"{file}:{row.Line}: every class must be one space and then text";
            if (classes.Any(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is < 1 or > 6)) yield return $"{file}:{row.Line}: every class must be 1 to 6 words";
            if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Count) yield return $"{file}:{row.Line}: classes repeat";
            if (row.Prompt.Length + classes.Max(c => c.Length) > MaxPromptChars)
                yield return $"{file}:{row.Line}: prompt plus longest class is {row.Prompt.Length + classes.Max(c => c.Length)} characters, over {MaxPromptChars}";
        }
        if (sequence || rows.Count == 0 || rows.Any(r => r.Classes is not { Count: >= 2 } || r.AnswerIndex is null)) yield break;

        // Each position's share of gold answers against its share under uniformly random placement.
        var positions = rows.Max(r => r.Classes!.Count);
        for (var k = 0; k < positions; k++)
        {
            var observed = rows.Count(r => r.AnswerIndex == k);
            var expected = rows.Where(r => r.Classes!.Count > k).Sum(r => 1.0 / r.Classes!.Count);
            var gap = Math.Abs(observed - expected) / rows.Count;
            if (gap > 0.05)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{file}: gold at index {k} in {observed} of {rows.Count} rows, {100 * gap:F1} points from the {expected:F1} expected (at most 5)");
        }
    }

    private static IReadOnlyDictionary<string, double> ExpectedChance(IReadOnlyList<CommittedRow> rows) => new Dictionary<string, double>
    {
        ["accuracy"] = rows.Average(r => 1.0 / r.Classes!.Count),
        ["loss"] = rows.Average(r => Math.Log(r.Classes!.Count)),
    };
}
