using System.Globalization;
using System.Text;
using System.Text.Json;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>What a task's card says in prose, for <see cref="GeneratedTaskKit.Card"/>; the kit adds the example, the sizes and the balance.</summary>
public sealed record CardText(string Title, string WhatItTests, string WhyModelsFail, string HowGenerated, string ControlSet);

/// <summary>Pieces every generated task needs: unique rows, balanced gold positions, quality checks, the task.json record and the card.</summary>
public static class GeneratedTaskKit
{
    public const string ControlFile = "control.jsonl";

    /// <summary>Most characters a prompt plus its longest class may have (1,024 tokens at about 3 characters each, with margin).</summary>
    public const int MaxPromptChars = 2800;

    public const int MinExamples = 300;
    public const int MaxExamples = 400;
    public const int MinControl = 150;
    public const int MaxControl = 300;

    private static readonly JsonSerializerOptions ClassesJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Calls <paramref name="make"/> until <paramref name="count"/> items with distinct keys exist (first come, first kept).
    /// Throws when the templates cannot supply that many within <paramref name="maxAttempts"/> calls.
    /// </summary>
    public static List<T> Unique<T>(int count, Func<T> make, Func<T, string> key, int maxAttempts = 100_000)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<T>(count);
        for (var attempt = 0; attempt < maxAttempts && items.Count < count; attempt++)
        {
            var item = make();
            if (seen.Add(key(item))) items.Add(item);
        }
        if (items.Count < count)
            throw new InvalidOperationException($"only {items.Count} distinct items after {maxAttempts} attempts; {count} were asked for");
        return items;
    }

    /// <summary>Gold positions for <paramref name="count"/> rows, each of the <paramref name="classCount"/> positions used equally often (±1), in seeded order.</summary>
    public static IReadOnlyList<int> BalancedGoldIndices(int count, int classCount, SeededRandom random) =>
        random.Shuffle(Enumerable.Range(0, count).Select(i => i % classCount));

    /// <summary>A row whose gold class sits at <paramref name="goldIndex"/>; the other classes keep their order around it.</summary>
    public static ClassificationRow PlaceGold(string prompt, string gold, IReadOnlyList<string> others, int goldIndex)
    {
        var classes = others.ToList();
        classes.Insert(goldIndex, gold);
        return new ClassificationRow(prompt, classes, goldIndex);
    }

    /// <summary>
    /// One two-class row per item, in the items' order, with the gold class first in a seeded, exactly balanced half of them.
    /// The positions are drawn from <paramref name="random"/> before <paramref name="row"/> is called for any item.
    /// </summary>
    public static List<ClassificationRow> BalancedTwoWayRows<T>(
        IReadOnlyList<T> items, SeededRandom random, Func<T, (string Prompt, string Gold, string Other)> row)
    {
        var goldIndices = BalancedGoldIndices(items.Count, 2, random);
        return items.Select((item, i) =>
        {
            var (prompt, gold, other) = row(item);
            return PlaceGold(prompt, gold, [other], goldIndices[i]);
        }).ToList();
    }

    /// <summary>
    /// <c>task.json</c> for a classification task: the format's metrics and default primary metric from the catalog (the
    /// classification loss, which unlike accuracy still moves for models that have not learned the task, so small
    /// families gate meaningfully); chance comes from the rows.
    /// </summary>
    public static TaskDefinition ClassificationDefinition(
        string name, int shots, string cause, string correctBehaviour, IReadOnlyList<ClassificationRow> rows, int seed, int version = 1) =>
        Definition(FormatCatalog.Classification, name, shots, cause, correctBehaviour, [.. rows.Select(r => r.Classes.Count)], seed, version);

    /// <summary>
    /// <c>task.json</c> for a task of <paramref name="format"/>, everything a format decides read from the
    /// <see cref="FormatCatalog"/>: the format's name, the data file's released name (<c>&lt;name&gt;&lt;suffix&gt;.jsonl</c>),
    /// its metrics, its default primary metric and the chance values over the rows' class counts (0 for rows without classes).
    /// </summary>
    public static TaskDefinition Definition(
        FormatSpec format, string name, int shots, string cause, string correctBehaviour, IReadOnlyList<int> classCounts, int seed, int version = 1) =>
        new(
            SchemaVersion: TaskDefinition.CurrentSchemaVersion,
            Name: name,
            Format: format.Name,
            Data: $"{name}{format.FileNameSuffix}.jsonl",
            Control: ControlFile,
            PrimaryMetric: format.DefaultPrimaryMetric,
            Metrics: format.MetricNames,
            Shots: shots,
            Cause: cause,
            CorrectBehaviour: correctBehaviour,
            Chance: format.Chance(classCounts),
            Generator: new GeneratorInfo(name, version, seed));

    /// <summary>The classification format's chance values (accuracy: mean 1/n, loss: mean ln n) over the rows' class counts.</summary>
    public static IReadOnlyDictionary<string, double> Chance(IReadOnlyList<ClassificationRow> rows) =>
        FormatCatalog.Classification.Chance(rows.Select(r => r.Classes.Count))!;

    /// <summary>How many rows have their gold answer at each class position.</summary>
    public static int[] GoldCounts(IReadOnlyList<ClassificationRow> rows)
    {
        var counts = new int[rows.Max(r => r.Classes.Count)];
        foreach (var row in rows) counts[row.AnswerIndex]++;
        return counts;
    }

    /// <summary>
    /// Throws when the generated rows or control rows break the suite's quality rules: size, duplicate prompts, class form,
    /// length, balance. A failure here is a generator bug, so it names the task, the set and the rule.
    /// </summary>
    public static void EnsureQuality(string task, IReadOnlyList<ClassificationRow> rows, IReadOnlyList<ClassificationRow> control)
    {
        EnsureQuality(task, "data", rows, MinExamples, MaxExamples);
        EnsureQuality(task, "control", control, MinControl, MaxControl);
    }

    private static void EnsureQuality(string task, string set, IReadOnlyList<ClassificationRow> rows, int min, int max)
    {
        void Fail(string problem) => throw new InvalidOperationException($"{task} {set}: {problem}");

        if (rows.Count < min || rows.Count > max) Fail($"{rows.Count} rows, expected {min}–{max}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!seen.Add(row.Prompt)) Fail($"duplicate prompt '{row.Prompt}'");
            if (row.Classes.Any(c => c.Length < 2 || c[0] != ' ')) Fail($"a class does not start with a space: '{row.Prompt}'");
            if (row.Classes.Distinct(StringComparer.Ordinal).Count() != row.Classes.Count) Fail($"repeated class in '{row.Prompt}'");
            if (row.AnswerIndex < 0 || row.AnswerIndex >= row.Classes.Count) Fail($"answer index out of range in '{row.Prompt}'");
            if (row.Prompt.Length + row.Classes.Max(c => c.Length) > MaxPromptChars) Fail($"prompt of {row.Prompt.Length} characters is too long");
        }
        var counts = GoldCounts(rows);
        var expected = 1.0 / counts.Length;
        if (counts.Any(c => Math.Abs((double)c / rows.Count - expected) > 0.05)) Fail($"gold positions unbalanced: {string.Join("/", counts)}");
    }

    /// <summary>A whole classification card: prose from <paramref name="text"/> plus an example and figures computed from the rows.</summary>
    public static string Card(TaskDefinition definition, CardText text, IReadOnlyList<ClassificationRow> rows, IReadOnlyList<ClassificationRow> control)
    {
        var example = rows[0];
        var fence = example.Prompt.Contains("```", StringComparison.Ordinal) ? "~~~~" : "```";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# {definition.Name}: {text.Title}\n\n");
        sb.Append("## What it tests\n\n").Append(text.WhatItTests).Append("\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"## Why larger models may fail (cause: {definition.Cause})\n\n").Append(text.WhyModelsFail).Append("\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"## Example (the first row of `{definition.Data}`)\n\n");
        sb.Append("Prompt:\n\n").Append(fence).Append("text\n").Append(example.Prompt).Append('\n').Append(fence).Append("\n\n");
        sb.Append("Classes: ").Append(string.Join(", ", example.Classes.Select(c => $"`\"{c}\"`"))).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"Answer index: {example.AnswerIndex} (`\"{example.Classes[example.AnswerIndex]}\"`)\n\n");
        sb.Append("## How it was generated\n\n").Append(text.HowGenerated).Append("\n\n");
        var generator = definition.Generator!;
        sb.Append(CultureInfo.InvariantCulture, $"Generator `{generator.Name}` version {generator.Version}, seed {generator.Seed}. ");
        sb.Append(CultureInfo.InvariantCulture, $"Regenerate with `dotnet run --project benchmark/InverseScaling.Benchmark.Generators -- --only {definition.Name}`.\n\n");
        sb.Append("## Size and class balance\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"- `{definition.Data}`: {Figures(rows)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- `{definition.Control}`: {Figures(control)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"- shots built into each prompt: {definition.Shots}\n\n");
        sb.Append("## Control set\n\n").Append(text.ControlSet).Append('\n');
        return sb.ToString();
    }

    private static string Figures(IReadOnlyList<ClassificationRow> rows) =>
        string.Create(CultureInfo.InvariantCulture, $"{rows.Count} examples; gold at {GoldShares(rows)}; longest prompt {rows.Max(r => r.Prompt.Length)} characters");

    /// <summary>One example row as a hand-written card shows it: the prompt verbatim, then its classes and gold answer.</summary>
    public static string ExampleSection(ClassificationRow row) =>
        $"""
        Prompt (verbatim; the prompt ends where the block ends, each class is appended directly):

        ````text
        {row.Prompt}
        ````

        Classes: `{JsonSerializer.Serialize(row.Classes, ClassesJson)}`; answer index {row.AnswerIndex} (`"{row.Classes[row.AnswerIndex]}"`).
        """;

    /// <summary>One sequence-probability row as a hand-written card shows it.</summary>
    public static string ExampleSection(SequenceProbRow row) =>
        $"""
        Prompt (verbatim; the completion is appended directly):

        ````text
        {row.Prompt}
        ````

        Completion: `{JsonSerializer.Serialize(row.Completion, ClassesJson)}`.
        """;

    /// <summary>"N examples; gold answer at index 0: a (x%), index 1: b (y%)" for a hand-written card.</summary>
    public static string BalanceLine(IReadOnlyList<ClassificationRow> rows) =>
        string.Create(CultureInfo.InvariantCulture, $"{rows.Count} examples; gold answer at {GoldShares(rows)}");

    /// <summary>"index 0: a (x%), index 1: b (y%)": the gold answer's count and share at each class position.</summary>
    private static string GoldShares(IReadOnlyList<ClassificationRow> rows) =>
        string.Join(", ", GoldCounts(rows).Select((count, index) =>
            string.Create(CultureInfo.InvariantCulture, $"index {index}: {count} ({100.0 * count / rows.Count:F1}%)")));

    /// <summary>"an" before a word spelt with a leading vowel, "a" otherwise (by spelling alone, so not for words like "unit" or "hour").</summary>
    public static string Article(string word) => "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    /// <summary>English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.</summary>
    public static string Ordinal(int n)
    {
        var suffix = (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return n.ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
