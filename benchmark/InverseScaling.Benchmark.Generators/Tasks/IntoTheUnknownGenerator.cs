using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// Into the unknown: given facts, a question they leave open, and two candidate facts to look up: one new fact that
/// would help answer the question (gold) and one the passage already states (the trap).
/// </summary>
public sealed partial class IntoTheUnknownGenerator : ITaskGenerator
{
    public const int Seed = 5_230_411;
    public const int ExampleCount = 360;
    public const int ControlCount = 200;

    public string Name => "into-the-unknown";

    /// <summary>Prompt framings: {facts} (sentences joined by spaces), {bullets} (one "- " line per fact), {question}, {a}, {b}.</summary>
    private static readonly IReadOnlyList<string> Frames =
    [
        "Known so far: {facts}\nOpen question: {question}\nOnly one of these two facts can still be checked. Which one would do more to answer the open question?\nA: {a}\nB: {b}\nAnswer:",
        "{facts}\n\nSomeone wants to know: {question}\nWhich extra piece of information would be more useful for that?\nA: {a}\nB: {b}\nThe more useful piece is",
        "Facts on file:\n{bullets}\nQuestion the file cannot yet settle: {question}\nTwo candidate additions to the file:\nA: {a}\nB: {b}\nThe addition that helps most with the question is option",
        "Here is a short note. {facts} The note leaves one question open: {question} Of the two statements below, choose the one that would help close it.\nA: {a}\nB: {b}\nChoice:",
    ];

    private sealed record Item(string Facts, string Bullets, string Question, string Helpful, string Distractor, string Frame)
    {
        public string Prompt(bool helpfulFirst) => Frame
            .Replace("{facts}", Facts, StringComparison.Ordinal)
            .Replace("{bullets}", Bullets, StringComparison.Ordinal)
            .Replace("{question}", Question, StringComparison.Ordinal)
            .Replace("{a}", helpfulFirst ? Helpful : Distractor, StringComparison.Ordinal)
            .Replace("{b}", helpfulFirst ? Distractor : Helpful, StringComparison.Ordinal);
    }

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var rows = BuildRows(ExampleCount, new SeededRandom(Seed), control: false);
        var control = BuildRows(ControlCount, new SeededRandom(Seed + 1), control: true);
        GeneratedTaskKit.EnsureQuality(Name, rows, control);
        var definition = GeneratedTaskKit.ClassificationDefinition(
            Name, shots: 0, InverseScalingCauses.DistractorTask,
            "Choose the fact that is not yet known and would help answer the question, not the one the passage already gives.",
            rows, Seed);
        return new GeneratedTask(definition, rows, control, Card(rows, control));
    }

    private static List<ClassificationRow> BuildRows(int count, SeededRandom random, bool control)
    {
        var scenarios = IntoTheUnknownScenarios.All;
        var next = 0;
        // Scenarios in turn, so each appears equally often; the slots, framing and distractor vary within a scenario.
        var items = GeneratedTaskKit.Unique(count, () => MakeItem(scenarios[next++ % scenarios.Count], random, control), i => i.Prompt(true));
        var goldIndices = GeneratedTaskKit.BalancedGoldIndices(items.Count, 2, random);
        return items.Select((item, i) => new ClassificationRow(item.Prompt(helpfulFirst: goldIndices[i] == 0), [" A", " B"], goldIndices[i])).ToList();
    }

    private static Item MakeItem(UnknownScenario scenario, SeededRandom random, bool control)
    {
        var slots = DrawSlots(scenario, random);
        string Fill(string text) => SlotPattern().Replace(text, m => slots[m.Groups[1].Value]);
        var facts = scenario.Facts.Select(Fill).ToList();
        var distractor = Fill(random.Pick(control ? scenario.Unrelated : scenario.Restated));
        return new Item(
            string.Join(" ", facts),
            string.Join("\n", facts.Select(f => "- " + f)),
            Fill(scenario.Question),
            Fill(scenario.Helpful),
            distractor,
            random.Pick(Frames));
    }

    private static Dictionary<string, string> DrawSlots(UnknownScenario scenario, SeededRandom random)
    {
        var names = random.Shuffle(IntoTheUnknownScenarios.Names);
        var slots = new Dictionary<string, string>(StringComparer.Ordinal) { ["A"] = names[0], ["B"] = names[1] };
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var range in scenario.Ranges.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = RangePattern().Match(range);
            if (!match.Success) throw new FormatException($"into-the-unknown scenario '{scenario.Question}': bad range '{range}' (expected slot=min-max)");
            var value = random.Next(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) + 1);
            numbers[match.Groups[1].Value] = value;
        }
        if (numbers.TryGetValue("n", out var n) && numbers.TryGetValue("m", out var m)) numbers["nm"] = n * m;
        foreach (var (slot, value) in numbers) slots[slot] = value.ToString(CultureInfo.InvariantCulture);
        return slots;
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex SlotPattern();

    [GeneratedRegex(@"^(\w+)=(\d+)-(\d+)$")]
    private static partial Regex RangePattern();

    private string Card(IReadOnlyList<ClassificationRow> rows, IReadOnlyList<ClassificationRow> control) => $"""
        # {Name}

        ## What it tests
        Whether a model can tell which piece of information it is missing. Each prompt gives a few facts about an
        everyday situation (a household, a shop, a trip, a school, a farm, ...) and a question those facts cannot answer,
        then offers two facts, A and B, that could be looked up. One is new and would let the question be answered; the
        other only repeats, in other words, a fact the passage already states. The gold answer is the new fact.

        ## Why larger models may fail
        Cause: **distractor task** (McKenzie et al., 2023). Matching an option to the text it restates is an easy task
        that gets easier with scale; a model drawn to the option that overlaps the passage picks information it already
        has instead of the information it needs.

        ## Example
        {GeneratedTaskKit.ExampleSection(rows[0])}

        ## How it was generated
        `IntoTheUnknownGenerator` (seed {Seed}) walks through {IntoTheUnknownScenarios.All.Count} situations written for
        this suite (`IntoTheUnknownScenarios.cs`; topics: {string.Join(", ", IntoTheUnknownScenarios.All.Select(s => s.Topic).Distinct())}).
        Each situation has its given facts, the open question, the one helpful new fact, two or three restatements of
        given facts and two unrelated facts. Names come from a list of {IntoTheUnknownScenarios.Names.Count} given names
        and numbers from ranges per situation; one of {Frames.Count} framings and one restatement are drawn per row.
        Prompts are unique; the helpful fact is option A or B in a seeded, exactly balanced order.

        ## Size and balance
        {GeneratedTaskKit.BalanceLine(rows)}. Classes `[" A", " B"]`; chance accuracy 0.5.

        ## Control set
        `control.jsonl` ({GeneratedTaskKit.BalanceLine(control)}): the same situations with the restated option replaced
        by a new but unrelated fact (for example, the colour of a fence), so the option that echoes the passage, the trap,
        is gone and the gold answer is still the helpful fact. A model that passes the control but fails the task can
        judge relevance and is pulled towards information it already has.
        """;
}
