using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed partial class HindsightNeglectGeneratorTests
{
    private static readonly GeneratedTask Task = new HindsightNeglectGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    [GeneratedRegex(@"^(?<name>\w+) is offered an? (?<game>[\w -]+): an? (?<p>\d+)% chance to win \$(?<win>\d+) and an? (?<q>\d+)% chance to lose \$(?<loss>\d+)\. " +
                    @"\k<name> plays and (?<outcome>wins \$(?<won>\d+)|loses \$(?<lost>\d+))\. (?<question>[^\n]+\? Y or N)\nAnswer:(?: (?<answer>[YN]))?$")]
    private static partial Regex BetText();

    private sealed record ParsedBet(string Name, decimal Expected, decimal Gain, decimal Cost, bool Won, string Question, string? Answer);

    [Fact]
    public void Every_demonstration_outcome_agrees_with_its_expected_value_and_every_query_outcome_disagrees() =>
        AssertPrompts(Task.Rows, queryAgrees: false);

    [Fact]
    public void Control_queries_have_outcomes_that_agree_with_their_expected_value() =>
        AssertPrompts(Task.Control, queryAgrees: true);

    [Fact]
    public void Each_prompt_has_five_favourable_and_five_unfavourable_demonstrations_by_distinct_players()
    {
        foreach (var row in Task.Rows)
        {
            var bets = Bets(row.Prompt);
            Assert.Equal(5, bets.Take(10).Count(b => b.Answer == "Y"));
            Assert.Equal(11, bets.Select(b => b.Name).Distinct().Count());
            Assert.Single(bets.Select(b => b.Question.Replace(b.Name, "{0}", StringComparison.Ordinal)).Distinct());
        }
    }

    [Fact]
    public void Worked_example_of_one_bet_description()
    {
        var bet = new HindsightNeglectGenerator.Bet("Wen", "card draw", 85, 1350, 2500, Won: false);

        Assert.Equal(
            "Wen is offered a card draw: an 85% chance to win $1350 and a 15% chance to lose $2500. Wen plays and loses $2500. " +
            "Was it wise of Wen to play? Y or N\nAnswer:",
            HindsightNeglectGenerator.Describe(bet, "Was it wise of {0} to play? Y or N"));
        Assert.Equal(85 * 1350 - 15 * 2500, bet.ExpectedCents); // 114,750 - 37,500 = 77,250 cents: favourable
        Assert.True(bet.Favourable);
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems("hindsight-neglect", shots: 10, cause: "spurious-few-shot"));

    private static void AssertPrompts(IReadOnlyList<TaskRow> rows, bool queryAgrees)
    {
        foreach (var row in rows.Cast<ClassificationRow>())
        {
            Assert.Equal([" Y", " N"], row.Classes);
            var bets = Bets(row.Prompt);
            Assert.Equal(HindsightNeglectGenerator.Shots + 1, bets.Count);
            foreach (var bet in bets)
            {
                Assert.NotEqual(0m, bet.Expected);
                Assert.True(Math.Max(bet.Gain, bet.Cost) >= 1.5m * Math.Min(bet.Gain, bet.Cost), $"expected value too close to zero in: {row.Prompt}");
            }
            foreach (var demo in bets.Take(HindsightNeglectGenerator.Shots))
            {
                Assert.Equal(demo.Expected > 0 ? "Y" : "N", demo.Answer);
                Assert.Equal(demo.Expected > 0, demo.Won);
            }
            var query = bets[^1];
            Assert.Null(query.Answer);
            Assert.Equal(queryAgrees, query.Expected > 0 == query.Won);
            Assert.Equal(query.Expected > 0 ? " Y" : " N", row.Classes[row.AnswerIndex]);
        }
    }

    private static List<ParsedBet> Bets(string prompt) => prompt.Split("\n\n").Select(text =>
    {
        var m = BetText().Match(text);
        Assert.True(m.Success, $"unparsed bet: {text}");
        var p = decimal.Parse(m.Groups["p"].Value, CultureInfo.InvariantCulture) / 100;
        var q = decimal.Parse(m.Groups["q"].Value, CultureInfo.InvariantCulture) / 100;
        Assert.Equal(1m, p + q);
        var win = decimal.Parse(m.Groups["win"].Value, CultureInfo.InvariantCulture);
        var loss = decimal.Parse(m.Groups["loss"].Value, CultureInfo.InvariantCulture);
        var won = m.Groups["won"].Success;
        Assert.Equal(won ? win : loss, decimal.Parse(won ? m.Groups["won"].Value : m.Groups["lost"].Value, CultureInfo.InvariantCulture));
        return new ParsedBet(m.Groups["name"].Value, p * win - q * loss, p * win, q * loss, won, m.Groups["question"].Value,
            m.Groups["answer"].Success ? m.Groups["answer"].Value : null);
    }).ToList();
}
