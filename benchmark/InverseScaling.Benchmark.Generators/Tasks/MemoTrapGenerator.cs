using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// Memo trap: an instruction to write a phrase that begins like a famous saying but ends with a named, different word,
/// followed by the saying's beginning. Gold: the named word; the trap: the memorised ending.
/// </summary>
public sealed class MemoTrapGenerator : ITaskGenerator
{
    public const int Seed = 8_120_661;
    public const int ControlCount = 200;

    public string Name => "memo-trap";

    /// <summary>The named ending; a different substitute from the one resisting-correction uses for the same saying.</summary>
    internal static string NamedWordFor(Saying saying) => saying.Substitutes[(saying.Line + 1) % 3];

    /// <summary>Framings with the named word {W}; each reads naturally whether or not {W} is the usual ending.</summary>
    private static readonly IReadOnlyList<string> Frames =
    [
        "Write a phrase that starts like a well-known saying but whose last word is \"{W}\".\n",
        "Finish the line below so that it ends with the word \"{W}\".\n",
        "Task: complete this sentence, making \"{W}\" its final word.\n\n",
        "The line below must end in the word \"{W}\". Write the ending.\n",
        "Complete the phrase. Required last word: \"{W}\".\nPhrase: ",
        "Please end this sentence with the word \"{W}\" and nothing else after it:\n",
    ];

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var sayings = Sayings.Load(sources);
        var (rows, control) = Sayings.TwoWayRows(sayings, Seed, ControlCount, NamedWordFor, Prompt);
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(
            Name, shots: 0, InverseScalingCauses.StrongPrior,
            "End the phrase with the word the instruction names, not with the word the famous saying usually ends with.",
            rows, Seed);
        return new GeneratedTask(definition, rows, control, Card(rows, control, sayings.Count));
    }

    private static string Prompt(Saying saying, string word, SeededRandom random) =>
        random.Pick(Frames).Replace("{W}", word, StringComparison.Ordinal) + saying.Stem;

    private string Card(IReadOnlyList<ClassificationRow> rows, IReadOnlyList<ClassificationRow> control, int sayingCount) => $"""
        # {Name}

        ## What it tests
        Whether a model follows an instruction to end a famous saying with a different word. Each prompt names the
        word the phrase must end with (for example: ends with the word "deeds") and then gives the saying's
        beginning ("Actions speak louder than"). The classes are the named word (gold) and the word the saying
        usually ends with.

        ## Why larger models may fail
        Cause: **strong prior** (McKenzie et al., 2023). Larger models have memorised famous sayings more firmly, so
        the memorised continuation can override an explicit in-context instruction. The reference model family's
        training corpus contains every saying in `sayings.txt` many times, so it carries this prior by construction.

        ## Example
        {GeneratedTaskKit.ExampleSection(rows[0])}

        ## How it was generated
        `MemoTrapGenerator` (seed {Seed}) uses each of the {sayingCount} sayings in `Sources/sayings.txt` once. The
        named word is one of three hand-written substitutes from `Sources/saying-substitutes.tsv` (each fits the
        saying and starts with a different letter from the original; resisting-correction uses a different one of the
        three for the same saying). Each prompt uses one of {Frames.Count} instruction framings written for this suite,
        none of which resembles resisting-correction's repeat-back format. Both classes carry the saying's punctuation.
        The gold class is put first or second in a seeded, exactly balanced order.

        ## Size and balance
        {GeneratedTaskKit.BalanceLine(rows)}. Two classes per example; chance accuracy 0.5.

        ## Control set
        `control.jsonl` ({GeneratedTaskKit.BalanceLine(control)}): {ControlCount} of the sayings in the same framings,
        but the instruction names the saying's usual final word, so instruction and memory agree; the distractor is a
        substitute. A model that passes the control but fails the task can follow the framing and lets the memorised
        ending win when the two disagree.
        """;
}
