using System.Globalization;
using System.Text;
using System.Text.Json;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>Pieces every generated task needs: unique rows, balanced gold positions, the task.json record and card sections.</summary>
public static class GeneratedTaskKit
{
    public const string ControlFile = "control.jsonl";

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

    /// <summary><c>task.json</c> for a classification task: accuracy first, loss and total log-probability beside it, chance from the rows.</summary>
    public static TaskDefinition ClassificationDefinition(
        string name, int shots, string cause, string correctBehaviour, IReadOnlyList<ClassificationRow> rows, int seed, int version = 1) =>
        new(
            SchemaVersion: TaskDefinition.CurrentSchemaVersion,
            Name: name,
            Format: TaskFormatNames.Classification,
            Data: $"{name}_classification.jsonl",
            Control: ControlFile,
            PrimaryMetric: MetricNames.Accuracy,
            Metrics: [MetricNames.Accuracy, MetricNames.Loss, MetricNames.TotalLogProbability],
            Shots: shots,
            Cause: cause,
            CorrectBehaviour: correctBehaviour,
            Chance: Chance(rows),
            Generator: new GeneratorInfo(name, version, seed));

    /// <summary>Uniform-chance accuracy (mean 1/n) and loss (mean ln n) over the rows' class counts.</summary>
    /// <remarks>Summed per class count, so that rows which all have n classes give exactly 1/n and ln n.</remarks>
    public static IReadOnlyDictionary<string, double> Chance(IReadOnlyList<ClassificationRow> rows)
    {
        var shares = rows.GroupBy(r => r.Classes.Count).Select(g => (Classes: g.Key, Share: (double)g.Count() / rows.Count)).ToList();
        return new Dictionary<string, double>
        {
            [MetricNames.Accuracy] = shares.Sum(s => s.Share / s.Classes),
            [MetricNames.Loss] = shares.Sum(s => s.Share * Math.Log(s.Classes)),
        };
    }

    /// <summary>One example row as the card shows it: the prompt verbatim, then its classes and gold answer.</summary>
    public static string ExampleSection(ClassificationRow row) =>
        $"""
        Prompt (verbatim; the prompt ends where the block ends, each class is appended directly):

        ````text
        {row.Prompt}
        ````

        Classes: `{JsonSerializer.Serialize(row.Classes, ClassesJson)}`; answer index {row.AnswerIndex} (`"{row.Classes[row.AnswerIndex]}"`).
        """;

    /// <summary>One sequence-probability row as the card shows it.</summary>
    public static string ExampleSection(SequenceProbRow row) =>
        $"""
        Prompt (verbatim; the completion is appended directly):

        ````text
        {row.Prompt}
        ````

        Completion: `{JsonSerializer.Serialize(row.Completion, ClassesJson)}`.
        """;

    /// <summary>"N examples; gold at index 0: a (x%), index 1: b (y%)" for the card.</summary>
    public static string BalanceLine(IReadOnlyList<ClassificationRow> rows)
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{rows.Count} examples; gold answer at ");
        var maxClasses = rows.Max(r => r.Classes.Count);
        for (var index = 0; index < maxClasses; index++)
        {
            var n = rows.Count(r => r.AnswerIndex == index);
            if (index > 0) sb.Append(", ");
            sb.Append(CultureInfo.InvariantCulture, $"index {index}: {n} ({100.0 * n / rows.Count:F1}%)");
        }
        return sb.ToString();
    }

    /// <summary>English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.</summary>
    public static string Ordinal(int n)
    {
        var suffix = (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return n.ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
