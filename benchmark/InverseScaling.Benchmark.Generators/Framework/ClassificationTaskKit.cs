using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>What a classification task's card says in prose; the kit adds the example, the sizes and the balance.</summary>
public sealed record CardText(string Title, string WhatItTests, string WhyModelsFail, string HowGenerated, string ControlSet);

/// <summary>Shared pieces of the classification generators: two-way rows, chance levels, quality checks and the card.</summary>
public static class ClassificationTaskKit
{
    /// <summary>Most characters a prompt plus its longest class may have (1,024 tokens at about 3 characters each, with margin).</summary>
    public const int MaxPromptChars = 2800;

    /// <summary>A two-class row with the gold class first or second.</summary>
    public static ClassificationRow TwoWay(string prompt, string gold, string other, bool goldFirst) =>
        goldFirst ? new ClassificationRow(prompt, [gold, other], 0) : new ClassificationRow(prompt, [other, gold], 1);

    /// <summary><c>{"accuracy": mean 1/n, "loss": mean ln n}</c> over the rows' class counts.</summary>
    public static IReadOnlyDictionary<string, double> Chance(IReadOnlyList<ClassificationRow> rows)
    {
        // Summed per class count, so that a task whose rows all have n classes gets exactly 1/n and ln n.
        var shares = rows.GroupBy(r => r.Classes.Count).Select(g => (Count: g.Key, Share: (double)g.Count() / rows.Count)).ToList();
        return new Dictionary<string, double>
        {
            ["accuracy"] = shares.Sum(s => s.Share / s.Count),
            ["loss"] = shares.Sum(s => s.Share * Math.Log(s.Count)),
        };
    }

    /// <summary>The definition every classification task in this suite shares; the caller supplies what differs.</summary>
    public static TaskDefinition Definition(string name, int shots, string cause, string correctBehaviour, int seed, IReadOnlyList<ClassificationRow> rows) =>
        new(
            SchemaVersion: TaskDefinition.CurrentSchemaVersion,
            Name: name,
            Format: TaskFormatNames.Classification,
            Data: $"{name}_classification.jsonl",
            Control: "control.jsonl",
            PrimaryMetric: "accuracy",
            Metrics: ["accuracy", "loss", "total_logprob"],
            Shots: shots,
            Cause: cause,
            CorrectBehaviour: correctBehaviour,
            Chance: Chance(rows),
            Generator: new GeneratorInfo(name, 1, seed));

    /// <summary>How many rows have their gold answer at each class position.</summary>
    public static int[] GoldCounts(IReadOnlyList<ClassificationRow> rows)
    {
        var counts = new int[rows.Max(r => r.Classes.Count)];
        foreach (var row in rows) counts[row.AnswerIndex]++;
        return counts;
    }

    /// <summary>
    /// Throws when generated rows break the suite's quality rules: size, duplicate prompts, class form, length, balance.
    /// A failure here is a generator bug, so it names the task and the rule.
    /// </summary>
    public static void EnsureQuality(string task, string set, IReadOnlyList<ClassificationRow> rows, int min, int max)
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

    /// <summary>The task's README: prose from <paramref name="text"/> plus an example and figures computed from the rows.</summary>
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

    private static string Figures(IReadOnlyList<ClassificationRow> rows)
    {
        var counts = GoldCounts(rows);
        var shares = string.Join(", ", counts.Select((c, i) =>
            string.Create(CultureInfo.InvariantCulture, $"index {i}: {c} ({100.0 * c / rows.Count:F1}%)")));
        var longest = rows.Max(r => r.Prompt.Length);
        return string.Create(CultureInfo.InvariantCulture, $"{rows.Count} examples; gold at {shares}; longest prompt {longest} characters");
    }
}
