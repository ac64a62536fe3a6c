using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class IntoTheUnknownGeneratorTests
{
    private const string Task = "into-the-unknown";

    private static readonly GeneratedTask Generated =
        new IntoTheUnknownGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    [Fact]
    public void Gold_is_the_helpful_new_fact_and_the_other_option_restates_a_given_fact_with_the_same_values()
    {
        Assert.All(Generated.Rows.Cast<ClassificationRow>(), row =>
        {
            var (scenario, slots, gold, other) = Match(row);
            Assert.NotNull(MatchTemplate(scenario.Helpful, gold, slots));
            Assert.Contains(scenario.Restated, r => MatchTemplate(r, other, slots) is not null);
            var context = Context(row.Prompt);
            Assert.DoesNotContain(gold, context, StringComparison.Ordinal);
            Assert.All(Regex.Matches(other, @"\d+"), number => Assert.Matches($@"\b{number.Value}\b", context));
        });
    }

    [Fact]
    public void Control_replaces_the_restatement_with_an_unrelated_fact_and_keeps_the_helpful_fact_as_gold()
    {
        Assert.All(Generated.Control.Cast<ClassificationRow>(), row =>
        {
            var (scenario, slots, gold, other) = Match(row);
            Assert.NotNull(MatchTemplate(scenario.Helpful, gold, slots));
            Assert.Contains(scenario.Unrelated, u => MatchTemplate(u, other, slots) is not null);
            Assert.DoesNotContain(scenario.Restated, r => MatchTemplate(r, other, slots) is not null);
        });
    }

    [Fact]
    public void Every_scenario_appears_about_equally_often_and_numbers_stay_in_their_ranges()
    {
        var rows = Generated.Rows.Cast<ClassificationRow>().ToList();
        var matches = rows.Select(Match).ToList();
        var perScenario = matches.GroupBy(m => m.Scenario).Select(g => g.Count()).ToList();
        Assert.Equal(IntoTheUnknownScenarios.All.Count, perScenario.Count);
        Assert.InRange(perScenario.Min(), 8, 10);
        Assert.All(matches, m =>
        {
            Assert.NotNull(MatchTemplate(m.Scenario.Helpful, m.Gold, m.Slots));
            var values = m.Slots.Where(s => s.Key is not ("A" or "B")).ToDictionary(s => s.Key, s => int.Parse(s.Value, CultureInfo.InvariantCulture));
            if (values.TryGetValue("nm", out var nm))
            {
                // Where a prompt shows n × m and only one factor, the other factor must divide it exactly.
                var (known, missing) = values.ContainsKey("n") ? ("n", "m") : ("m", "n");
                Assert.Equal(0, nm % values[known]);
                values[missing] = nm / values[known];
                values.Remove("nm");
            }
            var ranges = m.Scenario.Ranges.Split(' ').Select(r => r.Split('=', '-')).ToList();
            Assert.Equal(ranges.Select(r => r[0]).Order(), values.Keys.Order());
            foreach (var r in ranges)
                Assert.InRange(values[r[0]], int.Parse(r[1], CultureInfo.InvariantCulture), int.Parse(r[2], CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public void MatchTemplate_recovers_slot_values_and_rejects_inconsistent_ones()
    {
        var slots = new Dictionary<string, string>();
        Assert.NotNull(MatchTemplate("{A} keeps {n} hens in the back garden.", "Rosa keeps 7 hens in the back garden.", slots));
        Assert.Equal("7", slots["n"]);
        Assert.Equal("Rosa", slots["A"]);
        Assert.NotNull(MatchTemplate("{A} has {n} hens.", "Rosa has 7 hens.", slots));
        Assert.Null(MatchTemplate("{A} has {n} hens.", "Rosa has 8 hens.", slots));
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems(Task, shots: 0, cause: "distractor-task"));

    private sealed record Matched(UnknownScenario Scenario, Dictionary<string, string> Slots, string Gold, string Other);

    /// <summary>The one scenario whose facts and question the prompt contains, with the slot values read back from them.</summary>
    private static Matched Match(ClassificationRow row)
    {
        Assert.Equal([" A", " B"], row.Classes);
        var options = row.Prompt.Split('\n').Where(l => l.StartsWith("A: ", StringComparison.Ordinal) || l.StartsWith("B: ", StringComparison.Ordinal))
            .Select(l => l[3..]).ToList();
        Assert.Equal(2, options.Count);
        var context = Context(row.Prompt);
        var found = IntoTheUnknownScenarios.All
            .Where(scenario => scenario.Facts.Append(scenario.Question).SelectMany(t => Regex.Split(t, @"\{\w+}"))
                .All(literal => context.Contains(literal, StringComparison.Ordinal)))
            .Select(scenario =>
        {
            var slots = new Dictionary<string, string>();
            var all = scenario.Facts.Append(scenario.Question).All(t => MatchTemplate(t, context, slots, anchored: false) is not null);
            return (scenario, slots, all);
        }).Where(x => x.all).ToList();
        var (s, values, _) = Assert.Single(found);
        return new Matched(s, values, options[row.AnswerIndex], options[1 - row.AnswerIndex]);
    }

    private static string Context(string prompt) => string.Join("\n",
        prompt.Split('\n').Where(l => !l.StartsWith("A: ", StringComparison.Ordinal) && !l.StartsWith("B: ", StringComparison.Ordinal)));

    /// <summary>Matches a scenario template against text; slots already known must take the same value. Null when it does not match.</summary>
    private static Dictionary<string, string>? MatchTemplate(string template, string text, Dictionary<string, string> slots, bool anchored = true)
    {
        var seen = new HashSet<string>();
        var pattern = Regex.Replace(Regex.Escape(template), @"\\\{(\w+)}", m =>
        {
            var slot = m.Groups[1].Value;
            if (slots.TryGetValue(slot, out var known)) return Regex.Escape(known);
            if (!seen.Add(slot)) return $@"\k<{slot}>";
            return slot is "A" or "B" ? $"(?<{slot}>[A-Z][a-z]+)" : $@"(?<{slot}>\d+)";
        });
        var match = Regex.Match(text, anchored ? $"^{pattern}$" : pattern);
        if (!match.Success) return null;
        foreach (var slot in seen) slots[slot] = match.Groups[slot].Value;
        return slots;
    }
}
