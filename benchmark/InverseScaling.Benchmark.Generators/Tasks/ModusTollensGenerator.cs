using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// modus-tollens: "If P, then Q. Not Q. Therefore, not P." Is that valid? It always is (gold " Yes").
/// Control: modus ponens, "If P, then Q. P. Therefore, Q.", also always valid.
/// </summary>
public sealed class ModusTollensGenerator : ITaskGenerator
{
    private const int Seed = 2311;
    private const int RowCount = 320;
    private const int ControlCount = 160;

    public string Name => "modus-tollens";

    /// <summary>A conditional "if P then Q" with both clauses and their negations; <c>{n}</c> stands for a person's name.</summary>
    internal sealed record Conditional(string If, string IfNot, string Then, string ThenNot)
    {
        public Conditional Named(string name) =>
            new(If.Replace("{n}", name, StringComparison.Ordinal), IfNot.Replace("{n}", name, StringComparison.Ordinal),
                Then.Replace("{n}", name, StringComparison.Ordinal), ThenNot.Replace("{n}", name, StringComparison.Ordinal));
    }

    /// <summary>{0} P, {1} Q, {2} the second premise (capitalised), {3} the conclusion, {4} the conclusion capitalised.</summary>
    internal static readonly string[] Frames =
    [
        "Here is an argument.\nIf {0}, then {1}.\n{2}.\nSo {3}.\nIs this argument logically valid? Answer Yes or No.\nAnswer:",
        "Premise 1: If {0}, then {1}.\nPremise 2: {2}.\nConclusion: {4}.\nDoes the conclusion follow from the two premises?\nAnswer:",
        "Consider the reasoning: \"If {0}, then {1}. {2}. Therefore, {3}.\"\nJudge the logic alone: is the conclusion valid?\nAnswer:",
    ];

    /// <summary>Everyday conditionals, some natural and some, as in the original task, oddly specific.</summary>
    internal static readonly Conditional[] Conditionals =
    [
        new("{n} is baking bread", "{n} is not baking bread", "the kitchen smells of yeast", "the kitchen does not smell of yeast"),
        new("{n} owns a pet", "{n} does not own a pet", "{n} owns a cat", "{n} does not own a cat"),
        new("{n} plays in the orchestra", "{n} does not play in the orchestra", "{n} plays the violin", "{n} does not play the violin"),
        new("it rained on {n}'s farm last night", "it did not rain on {n}'s farm last night", "the soil on {n}'s farm is damp", "the soil on {n}'s farm is not damp"),
        new("{n} took the early train", "{n} did not take the early train", "{n} arrived before nine", "{n} did not arrive before nine"),
        new("{n} left the freezer door open", "{n} did not leave the freezer door open", "the ice cream in {n}'s freezer melted", "the ice cream in {n}'s freezer did not melt"),
        new("{n} is a surgeon", "{n} is not a surgeon", "{n} went to medical school", "{n} did not go to medical school"),
        new("{n} speaks Portuguese", "{n} does not speak Portuguese", "{n} has lived in Brazil", "{n} has not lived in Brazil"),
        new("{n} watered the tomatoes", "{n} did not water the tomatoes", "the tomato bed is damp", "the tomato bed is not damp"),
        new("{n} forgot the umbrella", "{n} did not forget the umbrella", "{n} got soaked on the way home", "{n} did not get soaked on the way home"),
        new("{n} has a driving licence", "{n} does not have a driving licence", "{n} owns a car", "{n} does not own a car"),
        new("{n}'s phone battery is full", "{n}'s phone battery is not full", "{n}'s phone is switched on", "{n}'s phone is not switched on"),
        new("{n} is reading a novel", "{n} is not reading a novel", "{n} is reading a mystery", "{n} is not reading a mystery"),
        new("{n} lit the fireplace", "{n} did not light the fireplace", "there is smoke above {n}'s chimney", "there is no smoke above {n}'s chimney"),
        new("{n} drank coffee after dinner", "{n} did not drink coffee after dinner", "{n} stayed awake past midnight", "{n} did not stay awake past midnight"),
        new("{n} is in the chess club", "{n} is not in the chess club", "{n} knows how the knight moves", "{n} does not know how the knight moves"),
        new("{n}'s bicycle has a flat tyre", "{n}'s bicycle does not have a flat tyre", "{n} walked to work today", "{n} did not walk to work today"),
        new("{n} planted roses", "{n} did not plant roses", "{n} planted red roses", "{n} did not plant red roses"),
        new("{n} paid the electricity bill", "{n} did not pay the electricity bill", "the lights in {n}'s flat are working", "the lights in {n}'s flat are not working"),
        new("{n} is at the beach", "{n} is not at the beach", "{n} is wearing sunglasses", "{n} is not wearing sunglasses"),
        new("{n} has a sister", "{n} does not have a sister", "{n} has an older sister", "{n} does not have an older sister"),
        new("{n} baked a cake", "{n} did not bake a cake", "there is flour on {n}'s apron", "there is no flour on {n}'s apron"),
        new("{n} went skiing", "{n} did not go skiing", "{n} went to the mountains", "{n} did not go to the mountains"),
        new("{n} locked the shed", "{n} did not lock the shed", "the shed key is on {n}'s keyring", "the shed key is not on {n}'s keyring"),
        new("{n} ate the last apple", "{n} did not eat the last apple", "the fruit bowl is empty", "the fruit bowl is not empty"),
        new("{n} has a garden", "{n} does not have a garden", "{n} grows carrots", "{n} does not grow carrots"),
        new("{n} won the race", "{n} did not win the race", "{n} finished the race", "{n} did not finish the race"),
        new("{n} is asleep", "{n} is not asleep", "{n}'s eyes are closed", "{n}'s eyes are not closed"),
        new("{n} fed the goldfish", "{n} did not feed the goldfish", "the fish food tin is open", "the fish food tin is not open"),
        new("{n} plays a sport", "{n} does not play a sport", "{n} plays hockey", "{n} does not play hockey"),
        new("{n} mailed the letter", "{n} did not mail the letter", "{n} bought a stamp", "{n} did not buy a stamp"),
        new("{n} is in Paris", "{n} is not in Paris", "{n} is in France", "{n} is not in France"),
        new("the oven in {n}'s bakery is on", "the oven in {n}'s bakery is not on", "{n}'s bakery is warm", "{n}'s bakery is not warm"),
        new("{n} owns a boat", "{n} does not own a boat", "{n} owns a sailboat", "{n} does not own a sailboat"),
        new("{n} cut the grass", "{n} did not cut the grass", "the lawnmower is out of the garage", "the lawnmower is not out of the garage"),
        new("{n} is a teacher", "{n} is not a teacher", "{n} teaches mathematics", "{n} does not teach mathematics"),
        new("{n} heard the alarm", "{n} did not hear the alarm", "{n} woke up at six", "{n} did not wake up at six"),
        new("{n} painted the fence", "{n} did not paint the fence", "there is paint on {n}'s sleeves", "there is no paint on {n}'s sleeves"),
        new("{n} is allergic to cats", "{n} is not allergic to cats", "{n} sneezes around cats", "{n} does not sneeze around cats"),
        new("{n} owns a musical instrument", "{n} does not own a musical instrument", "{n} owns a piano", "{n} does not own a piano"),
        new("{n} is vegetarian", "{n} is not vegetarian", "{n} skips the meat dishes", "{n} does not skip the meat dishes"),
        new("{n} caught a fish", "{n} did not catch a fish", "{n} caught a trout", "{n} did not catch a trout"),
        new("{n} studied for the exam", "{n} did not study for the exam", "{n} passed the exam", "{n} did not pass the exam"),
        new("{n} went skating on the river", "{n} did not go skating on the river", "the river near {n}'s house froze", "the river near {n}'s house did not freeze"),
        new("{n} flew to Japan last year", "{n} did not fly to Japan last year", "{n} has a passport", "{n} does not have a passport"),
        new("{n} is wearing a raincoat", "{n} is not wearing a raincoat", "it is raining where {n} is", "it is not raining where {n} is"),
    ];

    internal static readonly string[] Names =
    [
        "Marta", "Jonas", "Priya", "Tomasz", "Aiko", "Kwame", "Lucia", "Dmitri", "Fatima", "Oskar", "Ines", "Rahul",
        "Greta", "Mateo", "Leila", "Samuel", "Yuki", "Bianca", "Emeka", "Sofia", "Hamid", "Clara", "Nikolai", "Amara",
        "Felix", "Rosa", "Tariq", "Helga", "Diego", "Nadia", "Pavel", "Zainab", "Lorenzo", "Mei", "Olu", "Astrid",
    ];

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var random = new SeededRandom(Seed);
        var rows = Build(random, RowCount, tollens: true);
        var control = Build(random, ControlCount, tollens: false);
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(Name, 0, InverseScalingCauses.UnwantedImitation,
            "Judge modus tollens (if P then Q; not Q; so not P) valid, whatever the content of P and Q.", rows, Seed);
        return new GeneratedTask(definition, rows, control, GeneratedTaskKit.Card(definition, Card, rows, control));
    }

    private static List<ClassificationRow> Build(SeededRandom random, int count, bool tollens)
    {
        var order = new List<Conditional>();
        var prompts = GeneratedTaskKit.Unique(count, () =>
        {
            if (order.Count == 0) order = random.Shuffle(Conditionals);
            var c = order[^1].Named(random.Pick(Names));
            order.RemoveAt(order.Count - 1);
            var (premise, conclusion) = tollens ? (c.ThenNot, c.IfNot) : (c.If, c.Then);
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, random.Pick(Frames), c.If, c.Then, Capitalise(premise), conclusion, Capitalise(conclusion));
        }, prompt => prompt);
        // Gold is always " Yes"; alternating the class order balances its position.
        return prompts.Select((prompt, i) => GeneratedTaskKit.PlaceGold(prompt, " Yes", [" No"], goldIndex: i % 2)).ToList();
    }

    internal static string Capitalise(string sentence) => char.ToUpperInvariant(sentence[0]) + sentence[1..];

    private static readonly CardText Card = new(
        Title: "modus tollens (denying the consequent) judged valid",
        WhatItTests: "Each prompt states a conditional \"if P, then Q\", the premise \"not Q\", and the conclusion \"not P\", " +
            "then asks whether the argument is valid. Modus tollens is always valid, so the gold class is always `\" Yes\"`. " +
            "P and Q are everyday clauses about named people, some natural (baking bread, the kitchen smells of yeast) and some " +
            "oddly specific (owning a pet, owning a cat), so the argument's content invites doubt that its form does not justify.",
        WhyModelsFail: "People often reject modus tollens, especially when the conditional seems implausible, and text written " +
            "by people carries that error. A model that imitates its training text (unwanted imitation, in the paper's terms) " +
            "answers \"No\", and larger models imitate the human pattern more faithfully.",
        HowGenerated: $"{Conditionals.Length} hand-written conditionals, each with P, Q and their negations written out in full " +
            $"and a slot for a name, are filled with one of {Names.Length} first names and set in one of {Frames.Length} argument " +
            "layouts (a short paragraph, numbered premises, or a quoted argument). Conditionals are used in shuffled rounds so each " +
            "appears about equally often; duplicate prompts are redrawn. The gold answer is always \" Yes\", so the class order is " +
            "alternated (`[\" Yes\", \" No\"]`, then `[\" No\", \" Yes\"]`) to balance the gold position.",
        ControlSet: "`control.jsonl` uses the same conditionals, names and layouts in modus ponens form: \"if P, then Q\", \"P\", " +
            "so \"Q\". It is just as valid (gold `\" Yes\"`) but people rarely reject it, so a model that passes the control and " +
            "fails the main set is tracking the human error on modus tollens rather than misreading the layout.");
}
