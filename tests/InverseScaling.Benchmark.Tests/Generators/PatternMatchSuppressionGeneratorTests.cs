using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class PatternMatchSuppressionGeneratorTests
{
    private const string Task = "pattern-match-suppression";

    private static readonly GeneratedTask Generated =
        new PatternMatchSuppressionGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    [Fact]
    public void Every_row_offers_the_continuing_and_a_breaking_element_and_gold_is_the_breaking_one()
    {
        Assert.All(Generated.Rows.Cast<ClassificationRow>(), row =>
        {
            var (elements, continuing) = Parse(row.Prompt);
            var gold = row.Classes[row.AnswerIndex][1..];
            var other = row.Classes[1 - row.AnswerIndex][1..];
            Assert.Equal(continuing, other);
            Assert.NotEqual(continuing, gold);
            Assert.Contains(gold, elements);
            Assert.Matches("breaks? the pattern|not fitting the pattern|deviate from that pattern|must not follow the pattern|spoil the pattern", row.Prompt);
        });
    }

    [Fact]
    public void Control_rows_ask_to_keep_the_pattern_and_gold_is_the_continuing_element()
    {
        Assert.All(Generated.Control.Cast<ClassificationRow>(), row =>
        {
            var (_, continuing) = Parse(row.Prompt);
            Assert.Equal(" " + continuing, row.Classes[row.AnswerIndex]);
            Assert.DoesNotMatch("break|not fitting|deviate|must not follow|spoil", row.Prompt);
        });
    }

    [Fact]
    public void Shown_sequence_stops_one_short_of_the_stated_length_and_uses_the_described_symbols()
    {
        Assert.All(Generated.Rows.Concat(Generated.Control).Cast<ClassificationRow>(), row =>
        {
            var instruction = row.Prompt.Split('\n')[0];
            var stated = int.Parse(Regex.Match(instruction, @"\d+").Value, CultureInfo.InvariantCulture);
            var (elements, _) = Parse(row.Prompt);
            Assert.Equal(stated - 1, elements.Count);
            var described = Regex.Matches(instruction, "\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();
            Assert.Equal(described, elements.ToHashSet());
            Assert.All(row.Classes, c => Assert.Contains(c[1..], described));
        });
    }

    [Fact]
    public void Parse_finds_the_period_of_a_hand_written_sequence()
    {
        Assert.Equal("B", Parse("Write 6 items.\nA, B, A, B, A,").Continuing);
        Assert.Equal("dog", Parse("x\nSequence: cat cow dog cat cow").Continuing);
        Assert.Equal("X", Parse("x\nOutput: X; X; O; O; X; X; O; O; X;").Continuing);
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems(Task, shots: 0, cause: "distractor-task"));

    /// <summary>The shown elements and the element that continues them, from the smallest period (2 to 4) they repeat with.</summary>
    private static (List<string> Elements, string Continuing) Parse(string prompt)
    {
        var line = Regex.Replace(prompt.Split('\n')[^1], "^(Sequence|Output): ", "");
        var elements = Regex.Matches(line, @"[^\s,;/]+").Select(m => m.Value).ToList();
        var period = Enumerable.Range(2, 3).First(p =>
            elements.Count > p && Enumerable.Range(p, elements.Count - p).All(i => elements[i] == elements[i - p]));
        return (elements, elements[elements.Count - period]);
    }
}
