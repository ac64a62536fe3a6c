using System.Text.Json;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

/// <summary>Reads a committed task folder and asserts the data-quality rules every generated task must meet.</summary>
internal static class TaskFileChecks
{
    public const int MaxPromptPlusClassChars = 2_800;

    public static TaskDefinition ReadDefinition(string task)
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.Tasks, task, "task.json"));
        return JsonSerializer.Deserialize<TaskDefinition>(json, SuiteJson.Indented)!;
    }

    public static List<ClassificationRow> ReadClassification(string task, string file) =>
        ReadLines(task, file).Select(line =>
        {
            return new ClassificationRow(
                line.GetProperty("prompt").GetString()!,
                line.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToList(),
                line.GetProperty("answer_index").GetInt32());
        }).ToList();

    public static List<SequenceProbRow> ReadSequenceProb(string task, string file) =>
        ReadLines(task, file).Select(line => new SequenceProbRow(
            line.GetProperty("prompt").GetString()!,
            line.GetProperty("completion").GetString()!)).ToList();

    /// <summary>Count, unique prompts, balanced gold index, leading spaces, distinct classes, length, and a matching task.json.</summary>
    public static void AssertClassificationTask(string task, int shots, string cause)
    {
        var definition = ReadDefinition(task);
        Assert.Equal(task, definition.Name);
        Assert.Equal(1, definition.SchemaVersion);
        Assert.Equal("classification", definition.Format);
        Assert.Equal($"{task}_classification.jsonl", definition.Data);
        Assert.Equal("control.jsonl", definition.Control);
        Assert.Equal("accuracy", definition.PrimaryMetric);
        Assert.Equal(["accuracy", "loss", "total_logprob"], definition.Metrics);
        Assert.Equal(shots, definition.Shots);
        Assert.Equal(cause, definition.Cause);
        Assert.Equal(task, definition.Generator!.Name);

        var rows = ReadClassification(task, definition.Data);
        var control = ReadClassification(task, definition.Control!);
        Assert.InRange(rows.Count, 300, 400);
        Assert.InRange(control.Count, 150, 300);
        AssertRows(rows);
        AssertRows(control);
        Assert.Empty(rows.Select(r => r.Prompt).Intersect(control.Select(r => r.Prompt)));

        var chance = definition.Chance!;
        Assert.Equal(rows.Average(r => 1.0 / r.Classes.Count), chance["accuracy"], 12);
        Assert.Equal(rows.Average(r => Math.Log(r.Classes.Count)), chance["loss"], 12);
    }

    /// <summary>Count, unique prompts, leading-space completions, length, and a matching task.json.</summary>
    public static void AssertSequenceProbTask(string task, string dataFile, int shots, string cause)
    {
        var definition = ReadDefinition(task);
        Assert.Equal(task, definition.Name);
        Assert.Equal("sequence_prob", definition.Format);
        Assert.Equal(dataFile, definition.Data);
        Assert.Equal("control.jsonl", definition.Control);
        Assert.Equal("loss", definition.PrimaryMetric);
        Assert.Equal(["loss"], definition.Metrics);
        Assert.Equal(shots, definition.Shots);
        Assert.Equal(cause, definition.Cause);
        Assert.Null(definition.Chance);

        var rows = ReadSequenceProb(task, definition.Data);
        var control = ReadSequenceProb(task, definition.Control!);
        Assert.InRange(rows.Count, 300, 400);
        Assert.InRange(control.Count, 150, 300);
        foreach (var set in new[] { rows, control })
        {
            Assert.Equal(set.Count, set.Select(r => r.Prompt).Distinct(StringComparer.Ordinal).Count());
            Assert.All(set, r =>
            {
                Assert.StartsWith(" ", r.Completion, StringComparison.Ordinal);
                Assert.False(char.IsWhiteSpace(r.Prompt[^1]), "prompt ends in whitespace");
                Assert.True(r.Prompt.Length + r.Completion.Length <= MaxPromptPlusClassChars);
            });
        }
        Assert.Empty(rows.Select(r => r.Prompt).Intersect(control.Select(r => r.Prompt)));
    }

    private static void AssertRows(IReadOnlyList<ClassificationRow> rows)
    {
        Assert.Equal(rows.Count, rows.Select(r => r.Prompt).Distinct(StringComparer.Ordinal).Count());
        var classCount = rows[0].Classes.Count;
        Assert.All(rows, r =>
        {
            Assert.InRange(r.AnswerIndex, 0, r.Classes.Count - 1);
            Assert.Equal(r.Classes.Count, r.Classes.Distinct(StringComparer.Ordinal).Count());
            Assert.All(r.Classes, c =>
            {
                Assert.Matches(@"^ \S", c);
                Assert.InRange(c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, 1, 6);
            });
            Assert.False(char.IsWhiteSpace(r.Prompt[^1]), "prompt ends in whitespace");
            Assert.True(r.Prompt.Length + r.Classes.Max(c => c.Length) <= MaxPromptPlusClassChars);
        });
        for (var index = 0; index < classCount; index++)
        {
            var share = rows.Count(r => r.AnswerIndex == index) / (double)rows.Count;
            Assert.InRange(share, 1.0 / classCount - 0.05, 1.0 / classCount + 0.05);
        }
    }

    private static IEnumerable<JsonElement> ReadLines(string task, string file) =>
        File.ReadAllLines(Path.Combine(TestPaths.Tasks, task, file)).Select(line => JsonSerializer.Deserialize<JsonElement>(line));
}
