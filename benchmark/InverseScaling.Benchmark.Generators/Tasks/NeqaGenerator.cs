using System.Globalization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// neqa: two-option quiz questions from WordNet relations ("which is not a kind of bird?") where the inserted negation
/// makes the unrelated option gold. Control: the same questions without the negation, where the related option is gold.
/// </summary>
public sealed class NeqaGenerator : ITaskGenerator
{
    private const int Seed = 6007;
    private const int KindOfCount = 240;
    private const int PartOfCount = 80;
    internal const string SourceFile = "wordnet-relations.tsv";

    public string Name => "neqa";

    /// <summary>{0} the relation phrase ("is not a kind of bird"), {1} option A, {2} option B.</summary>
    internal static readonly string[] Templates =
    [
        "Quiz question: which of the two options {0}?\nA. {1}\nB. {2}\nAnswer:",
        "Pick the option that {0}.\nA) {1}\nB) {2}\nThe answer is",
        "Two choices are given. Which one {0}?\nA: {1}\nB: {2}\nAnswer:",
    ];

    /// <summary>Relation phrases, negated and plain, with {0} the head as the question names it.</summary>
    internal static readonly (string Negated, string Plain)[] KindOfPhrases =
        [("is not a kind of {0}", "is a kind of {0}"), ("isn't a kind of {0}", "is a kind of {0}"), ("is not a type of {0}", "is a type of {0}")];

    internal static readonly (string Negated, string Plain)[] PartOfPhrases =
        [("is not part of {0}", "is part of {0}"), ("isn't part of {0}", "is part of {0}"), ("is not a part of {0}", "is a part of {0}")];

    /// <summary>How a question names WordNet heads whose lemma reads oddly in a quiz.</summary>
    private static readonly Dictionary<string, string> Display = new(StringComparer.Ordinal)
    {
        ["edible fruit"] = "fruit", ["metallic element"] = "metal", ["chromatic color"] = "colour",
    };

    /// <summary>A relation read from the source: members (kinds or parts) of a head, and the head's domain.</summary>
    internal sealed record Head(string Relation, string Name, string Domain, IReadOnlyList<string> Members);

    /// <summary>One question: the head, its member, and a word from another domain.</summary>
    internal sealed record Item(Head Head, string Member, string Distractor, int Template, int Phrase, bool DistractorFirst);

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var heads = ReadHeads(sources);
        var random = new SeededRandom(Seed);
        var items = new List<Item>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Draw(random, heads.Where(h => h.Relation == "kind-of").ToList(), heads, KindOfCount, items, seen);
        Draw(random, heads.Where(h => h.Relation == "part-of").ToList(), heads, PartOfCount, items, seen);
        items = random.Shuffle(items);

        // The distractor (gold when negated) alternates between A and B; every other pair of items also goes to the
        // control, so the control's gold (the member) alternates too.
        var rows = new List<ClassificationRow>();
        var control = new List<ClassificationRow>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] with { DistractorFirst = i % 2 == 0 };
            rows.Add(Row(item, negated: true));
            if (i % 4 < 2) control.Add(Row(item, negated: false));
        }
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(Name, 0, InverseScalingCauses.DistractorTask,
            "Read the negation in the question and choose the option that does not stand in the relation.", rows, Seed);
        return new GeneratedTask(definition, rows, control, GeneratedTaskKit.Card(definition, Card(heads), rows, control));
    }

    internal static IReadOnlyList<Head> ReadHeads(GeneratorSources sources)
    {
        var path = Path.Combine(sources.Directory, SourceFile);
        var rows = new List<string[]>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var row = line.Split('\t');
            if (row.Length != 4 || row.Any(string.IsNullOrWhiteSpace) || row[0] is not ("kind-of" or "part-of"))
                throw new BenchmarkInputException(path,
                    $"'{line.Replace("\t", "\\t", StringComparison.Ordinal)}' is not relation (kind-of or part-of), head, domain and word separated by tabs",
                    "rerun wordnet-relations.py in the same folder to rewrite the file", line: lineNumber);
            rows.Add(row);
        }
        return rows.GroupBy(r => (Relation: r[0], Head: r[1], Domain: r[2]))
            .Select(g => new Head(g.Key.Relation, g.Key.Head, g.Key.Domain, g.Select(r => r[3]).ToList()))
            .OrderBy(h => h.Relation, StringComparer.Ordinal).ThenBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static void Draw(SeededRandom random, List<Head> pool, IReadOnlyList<Head> all, int count, List<Item> items, HashSet<string> seen)
    {
        var target = items.Count + count;
        var round = new List<Head>();
        while (items.Count < target)
        {
            if (round.Count == 0) round = random.Shuffle(pool);
            var head = round[^1];
            round.RemoveAt(round.Count - 1);
            var others = all.Where(h => h.Relation == head.Relation && h.Domain != head.Domain).ToList();
            var item = new Item(head, random.Pick(head.Members), random.Pick(random.Pick(others).Members),
                random.Next(Templates.Length), random.Next(KindOfPhrases.Length), DistractorFirst: false);
            if (seen.Add($"{head.Name}|{item.Member}|{item.Distractor}")) items.Add(item);
        }
    }

    private static ClassificationRow Row(Item item, bool negated)
    {
        var phrases = item.Head.Relation == "kind-of" ? KindOfPhrases : PartOfPhrases;
        var (negatedPhrase, plainPhrase) = phrases[item.Phrase];
        var relation = string.Format(CultureInfo.InvariantCulture, negated ? negatedPhrase : plainPhrase, HeadPhrase(item.Head));
        var (a, b) = item.DistractorFirst ? (item.Distractor, item.Member) : (item.Member, item.Distractor);
        var prompt = string.Format(CultureInfo.InvariantCulture, Templates[item.Template], relation, a, b);
        var distractorIndex = item.DistractorFirst ? 0 : 1;
        return new ClassificationRow(prompt, [" A", " B"], negated ? distractorIndex : 1 - distractorIndex);
    }

    /// <summary>"bird" for kinds; "a car", "an arm" for wholes.</summary>
    internal static string HeadPhrase(Head head)
    {
        var name = Display.GetValueOrDefault(head.Name, head.Name);
        if (head.Relation == "kind-of") return name;
        return GeneratedTaskKit.Article(name) + " " + name;
    }

    private static CardText Card(IReadOnlyList<Head> heads) => new(
        Title: "negated two-option quiz questions",
        WhatItTests: "Each prompt is a two-option quiz question with a negation inserted: \"which of the two options is not a " +
            "kind of bird?\", \"which one isn't part of a car?\". One option stands in the relation (a robin, a bumper), the " +
            "other comes from an unrelated domain. Because of the negation the gold answer is the unrelated option, the one a " +
            "model would reject if it ignored the \"not\". Classes are `\" A\"` and `\" B\"`.",
        WhyModelsFail: "Answering the question without its negation is an easy, familiar task that larger models do well; a " +
            "model that latches onto that distractor task picks the option that fits the relation. The paper reports small " +
            "models near chance and large models below it.",
        HowGenerated: $"Relations come from WordNet 3.0 (`Sources/{SourceFile}`, extracted by `Sources/wordnet-relations.py`; " +
            $"licence in `Sources/WORDNET-LICENSE.md`): {heads.Count(h => h.Relation == "kind-of")} categories with their " +
            $"hyponyms (\"kind-of\") and {heads.Count(h => h.Relation == "part-of")} wholes with their part meronyms (\"part-of\"), " +
            "each tagged with a domain (animal, artifact, body, ...). The extract keeps familiar single words only and drops any " +
            "word WordNet places under two heads. Each item picks a head (in shuffled rounds), one of its members, and a " +
            $"distractor from a randomly chosen head of another domain, so the distractor is outside the relation; {KindOfCount} kind-of and " +
            $"{PartOfCount} part-of items, shuffled. Each uses one of {Templates.Length} question layouts and one of three " +
            "negated phrasings (\"is not\", \"isn't\", \"is not a type of\"/\"is not a part of\"). The gold option alternates " +
            "between A and B.",
        ControlSet: "`control.jsonl` holds every other pair of the same questions (160) with the negation removed (\"is a kind " +
            "of bird\"), same options in the same order; there the member is gold. A model that does well on the control but " +
            "badly on the main set understands the relation and ignores the negation.");
}
