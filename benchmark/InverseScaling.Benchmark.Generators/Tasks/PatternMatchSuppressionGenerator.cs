using System.Globalization;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// Pattern-match suppression: an instruction to write a repetitive sequence but end it by breaking the pattern,
/// with the sequence shown up to its last element. Gold: the element that breaks the pattern.
/// </summary>
public sealed class PatternMatchSuppressionGenerator : ITaskGenerator
{
    public const int Seed = 4_170_101;
    public const int ExampleCount = 360;
    public const int ControlCount = 200;

    public string Name => "pattern-match-suppression";

    /// <summary>
    /// Families of interchangeable symbols; one sequence draws all its symbols from one family. Digits and signs are
    /// limited to those that the reference tokenizer encodes, after a space, as one token, so that two classes never
    /// share a bare-space first token.
    /// </summary>
    internal static readonly IReadOnlyList<IReadOnlyList<string>> SymbolFamilies =
    [
        [.. "ABCDEFGHJKLMNOPQRSTUVWXYZ".Select(c => c.ToString())],
        [.. "123456".Select(c => c.ToString())],
        ["*", "#", "$"],
        ["red", "blue", "green", "yellow", "cat", "dog", "sun", "moon", "tea", "milk", "up", "down", "left", "right",
         "yes", "no", "hot", "cold", "day", "night", "fish", "bird", "salt", "pepper", "rock", "paper", "tick", "tock",
         "ping", "pong", "north", "south", "apple", "pear", "king", "queen", "on", "off", "in", "out"],
    ];

    internal static readonly IReadOnlyList<string> Separators = [", ", " ", "; ", " / "];

    /// <summary>What comes between the instruction and the shown sequence.</summary>
    private static readonly IReadOnlyList<string> Joins = ["\n", "\n\n", "\nSequence: ", "\nOutput: "];

    /// <summary>Instruction templates asking to break the pattern at the end; index-aligned with <see cref="KeepTemplates"/>.</summary>
    private static readonly IReadOnlyList<string> BreakTemplates =
    [
        "Write a sequence of {n} items that {desc}, except that the last item must break the pattern.",
        "Produce exactly {n} entries which {desc}. Catch: the {nth} entry has to surprise the reader by not fitting the pattern.",
        "Make a list of {n} elements that {desc}; end the list unexpectedly, with a final element that breaks the pattern.",
        "Generate {n} terms. The first {n-1} terms {desc}, and the {nth} term must deviate from that pattern.",
        "Compose a run of {n} tokens that {desc}, but finish with an odd one out: the final token must not follow the pattern.",
        "Type out {n} entries that {desc} and then spoil the pattern at the very end.",
    ];

    /// <summary>The same instructions with the trap removed: the last element keeps the pattern.</summary>
    private static readonly IReadOnlyList<string> KeepTemplates =
    [
        "Write a sequence of {n} items that {desc}, and make sure the last item follows the pattern too.",
        "Produce exactly {n} entries which {desc}. Note: the {nth} entry has to fit the pattern like all the others.",
        "Make a list of {n} elements that {desc}; end the list as expected, with a final element that keeps the pattern.",
        "Generate {n} terms. The first {n-1} terms {desc}, and the {nth} term must continue that pattern.",
        "Compose a run of {n} tokens that {desc}, and finish without any odd one out: the final token must follow the pattern.",
        "Type out {n} entries that {desc} and keep the pattern going to the very end.",
    ];

    private enum Shape { Alternate, Cycle3, Pairs }

    private sealed record Item(string Prompt, string Continuing, string Breaking);

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var rows = BuildRows(BreakTemplates, ExampleCount, new SeededRandom(Seed), breakPattern: true);
        var control = BuildRows(KeepTemplates, ControlCount, new SeededRandom(Seed + 1), breakPattern: false);
        GeneratedTaskKit.EnsureQuality(Name, rows, control);
        var definition = GeneratedTaskKit.ClassificationDefinition(
            Name, shots: 0, InverseScalingCauses.DistractorTask,
            "Follow the instruction and end the sequence with the element that breaks the pattern, not the one that continues it.",
            rows, Seed);
        return new GeneratedTask(definition, rows, control, Card(rows, control));
    }

    private static List<ClassificationRow> BuildRows(IReadOnlyList<string> templates, int count, SeededRandom random, bool breakPattern)
    {
        var items = GeneratedTaskKit.Unique(count, () => MakeItem(templates, random), item => item.Prompt);
        return GeneratedTaskKit.BalancedTwoWayRows(items, random, item => breakPattern
            ? (item.Prompt, " " + item.Breaking, " " + item.Continuing)
            : (item.Prompt, " " + item.Continuing, " " + item.Breaking));
    }

    private static Item MakeItem(IReadOnlyList<string> templates, SeededRandom random)
    {
        var roll = random.Next(4);
        var shape = roll < 2 ? Shape.Alternate : roll == 2 ? Shape.Cycle3 : Shape.Pairs;
        var symbols = DrawSymbols(random, shape == Shape.Cycle3 ? 3 : 2);
        var n = shape == Shape.Alternate ? random.Next(6, 16) : random.Next(7, 17);
        var sequence = Enumerable.Range(0, n).Select(i => At(shape, symbols, i)).ToList();
        var continuing = sequence[^1];
        var breakers = symbols.Where(s => s != continuing).ToList();
        var breaking = random.Pick(breakers);

        var separator = random.Pick(Separators);
        var shown = string.Join(separator, sequence.Take(n - 1)) + separator.TrimEnd();
        var instruction = random.Pick(templates)
            .Replace("{n-1}", (n - 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{nth}", GeneratedTaskKit.Ordinal(n), StringComparison.Ordinal)
            .Replace("{n}", n.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{desc}", Describe(shape, symbols), StringComparison.Ordinal);
        return new Item(instruction + random.Pick(Joins) + shown, continuing, breaking);
    }

    /// <summary>Distinct symbols from one family, no two sharing a first character (so their first tokens differ).</summary>
    private static List<string> DrawSymbols(SeededRandom random, int count)
    {
        var family = random.Pick(SymbolFamilies);
        var chosen = new List<string>();
        foreach (var symbol in random.Shuffle(family))
        {
            if (chosen.All(c => c[0] != symbol[0])) chosen.Add(symbol);
            if (chosen.Count == count) return chosen;
        }
        throw new InvalidOperationException("a symbol family has too few distinct first characters");
    }

    private static string At(Shape shape, IReadOnlyList<string> symbols, int i) => shape switch
    {
        Shape.Alternate => symbols[i % 2],
        Shape.Cycle3 => symbols[i % 3],
        _ => symbols[i / 2 % 2],
    };

    private static string Describe(Shape shape, IReadOnlyList<string> s) => shape switch
    {
        Shape.Alternate => $"alternate between \"{s[0]}\" and \"{s[1]}\"",
        Shape.Cycle3 => $"cycle through \"{s[0]}\", \"{s[1]}\" and \"{s[2]}\", in that order",
        _ => $"go \"{s[0]}\", \"{s[0]}\", \"{s[1]}\", \"{s[1]}\" and then start over",
    };

    private string Card(IReadOnlyList<ClassificationRow> rows, IReadOnlyList<ClassificationRow> control) => $"""
        # {Name}

        ## What it tests
        Whether a model can follow an explicit instruction to *break* a simple repetitive pattern. Each prompt asks for a
        sequence of a stated length that alternates between two symbols, cycles through three, or repeats two symbols in
        pairs, and says that the final element must break (or deviate from, or spoil) the pattern. The sequence is shown
        up to its last element. The two classes are the element that would continue the pattern and one that breaks it;
        the gold answer is the breaking element.

        ## Why larger models may fail
        Cause: **distractor task** (McKenzie et al., 2023). Continuing a periodic sequence is an easy task that language
        models learn early and get better at with scale; a model that latches onto that easy task continues the pattern
        and ignores the instruction to end it unexpectedly.

        ## Example
        {GeneratedTaskKit.ExampleSection(rows[0])}

        ## How it was generated
        `PatternMatchSuppressionGenerator` (seed {Seed}) draws a shape (alternating two symbols, half of the rows; a
        three-symbol cycle or a pairwise pattern such as X X O O, a quarter each), the symbols from one family
        (capital letters, the digits 1–6, the signs * # $ or short English words; no two sharing a first character;
        digits and signs limited to those the reference tokenizer reads as one token after a space), a length of
        6–16, a separator (comma, space, semicolon or slash) and one of {BreakTemplates.Count} instruction wordings written
        for this suite. For the two-symbol shapes the breaking element is the other symbol; for the cycle it is one of the
        two symbols that do not come next. No external source is used. Prompts are unique, and the gold class is put
        first or second in a seeded, exactly balanced order.

        ## Size and balance
        {GeneratedTaskKit.BalanceLine(rows)}. Two classes per example; chance accuracy 0.5.

        ## Control set
        `control.jsonl` ({GeneratedTaskKit.BalanceLine(control)}): the same kinds of sequences with instructions that ask
        for the pattern to be kept to the end, so the gold answer is the continuing element. A model that fails the task
        but passes the control can continue patterns and does not follow the instruction to break one.
        """;
}
