using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// Resisting correction: an instruction to repeat the input exactly, two repeat-back demonstrations, then a well-known
/// saying whose final word was changed and the repetition up to that word. Gold: the changed word, as written.
/// </summary>
public sealed class ResistingCorrectionGenerator : ITaskGenerator
{
    public const int Seed = 7_300_523;
    public const int ControlCount = 200;
    public const int Demonstrations = 2;

    public string Name => "resisting-correction";

    /// <summary>Which of a saying's three substitutes this task uses; memo-trap uses another, so the two tasks differ.</summary>
    internal static string SubstituteFor(Saying saying) => saying.Substitutes[saying.Line % 3];

    private static readonly IReadOnlyList<string> Instructions =
    [
        "Repeat each input exactly as it is written, word for word.",
        "Echo the text after each \"{in}:\" label without changing a single word, even where it seems wrong.",
        "Copy the following sentences back verbatim. Do not fix, improve or finish them differently.",
        "Write each line out again exactly as given, mistakes and all.",
    ];

    private static readonly IReadOnlyList<(string In, string Out)> Labels =
        [("Input", "Output"), ("Text", "Copy"), ("Original", "Repeated"), ("Line", "Echo")];

    /// <summary>Sentences for the repeat-back demonstrations, plain and odd, written for this suite.</summary>
    private static readonly IReadOnlyList<string> DemoSentences =
    [
        "The blue kettle is on the back burner.",
        "Our neighbours painted their fence last week.",
        "Please leave the parcel by the side door.",
        "The library opens at nine on Saturdays.",
        "My brother keeps his bicycle in the hall.",
        "The soup needs another pinch of pepper.",
        "A strong wind knocked over the bins.",
        "She folded the map and put it in her coat.",
        "The train to the coast was half empty.",
        "We planted onions along the garden wall.",
        "The printer has run out of yellow ink.",
        "He left his umbrella at the bakery again.",
        "The meeting has moved to the small room.",
        "Two ducks waded across the shallow pond.",
        "The lamp in the study flickers at night.",
        "Her sister teaches maths at the village school.",
        "The old clock in the kitchen runs five minutes slow.",
        "They ate sandwiches on the steps of the museum.",
        "The ferry leaves the harbour at noon.",
        "A pile of letters waited on the doormat.",
        "The moon was made of quiet spoons.",
        "My shoes prefer the Tuesday bus.",
        "The carrot sang softly to the window.",
        "Seven clouds argued about the kettle.",
        "Their is a cat sleeping on the stares.",
        "The river ran uphill to meet the bread.",
    ];

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var sayings = Sayings.Load(sources);
        var (rows, control) = Sayings.TwoWayRows(sayings, Seed, ControlCount, SubstituteFor, Prompt);
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(
            Name, Demonstrations, InverseScalingCauses.StrongPrior,
            "Repeat the input exactly, ending with the word it actually ends with, not the word the familiar saying ends with.",
            rows, Seed);
        return new GeneratedTask(definition, rows, control, Card(rows, control, sayings.Count));
    }

    /// <summary>The repeat-back prompt whose last input is the saying ending in <paramref name="word"/>, copied up to that word.</summary>
    private static string Prompt(Saying saying, string word, SeededRandom random)
    {
        var (inLabel, outLabel) = random.Pick(Labels);
        var instruction = random.Pick(Instructions).Replace("{in}", inLabel, StringComparison.Ordinal);
        var demos = random.Shuffle(DemoSentences).Take(Demonstrations).Select(d => $"{inLabel}: {d}\n{outLabel}: {d}\n\n");
        return instruction + "\n\n" + string.Concat(demos) + $"{inLabel}: {saying.TextWith(word)}\n{outLabel}: {saying.Stem}";
    }

    private string Card(IReadOnlyList<ClassificationRow> rows, IReadOnlyList<ClassificationRow> control, int sayingCount) => $"""
        # {Name}

        ## What it tests
        Whether a model repeats a text exactly when the text is a famous saying with its last word changed. Each prompt
        asks for the input to be copied word for word, shows {Demonstrations} repeat-back demonstrations, then gives an
        altered saying (for example "Actions speak louder than deeds.") and the copy up to its final word. The classes
        are the changed final word, as written in the input (gold), and the saying's usual final word.

        ## Why larger models may fail
        Cause: **strong prior** (McKenzie et al., 2023). Larger models have memorised the sayings more firmly and are
        more likely to "correct" the copy back to the familiar wording instead of repeating what is in front of them.
        The reference model family's training corpus contains every saying in `sayings.txt` many times, so it carries
        this prior by construction.

        ## Example
        {GeneratedTaskKit.ExampleSection(rows[0])}

        ## How it was generated
        `ResistingCorrectionGenerator` (seed {Seed}) uses each of the {sayingCount} sayings in
        `Sources/sayings.txt` once. The final word is replaced by one of three hand-written substitutes from
        `Sources/saying-substitutes.tsv` (each fits the saying and starts with a different letter from the original,
        so the two classes differ in their first token; memo-trap uses a different one of the three). Each prompt
        draws one of {Instructions.Count} instruction wordings, one of {Labels.Count} label pairs and {Demonstrations}
        demonstration sentences (plain or deliberately odd) from a list written for this suite. Both classes carry
        the saying's punctuation. The gold class is put first or second in a seeded, exactly balanced order.

        ## Size and balance
        {GeneratedTaskKit.BalanceLine(rows)}. Two classes per example; chance accuracy 0.5.

        ## Control set
        `control.jsonl` ({GeneratedTaskKit.BalanceLine(control)}): {ControlCount} of the sayings, unaltered, in the
        same kind of prompt; the gold class is the usual final word and the distractor is a substitute. Here the
        instruction and the prior agree, so a model that passes the control but fails the task can copy text and
        is pulled back to the memorised wording.
        """;
}
