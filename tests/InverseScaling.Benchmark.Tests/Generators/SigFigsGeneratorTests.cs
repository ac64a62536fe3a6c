using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed partial class SigFigsGeneratorTests
{
    private static readonly GeneratedTask Task = new SigFigsGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    [GeneratedRegex(@"(?<number>\d+\.\d+) (?:so that|rounded|to).* (?<n>\d) (?<unit>significant|decimal) (?:figures?|places?)\.\n\w+:$")]
    private static partial Regex Item();

    [Fact]
    public void Main_rows_put_the_significant_figure_rounding_against_the_decimal_place_rounding() =>
        AssertRoundings(Task.Rows, expectedUnit: "significant", goldIsSignificant: true);

    [Fact]
    public void Control_rows_ask_for_decimal_places_and_make_that_rounding_gold() =>
        AssertRoundings(Task.Control, expectedUnit: "decimal", goldIsSignificant: false);

    [Fact]
    public void Gold_is_the_longer_class_in_half_the_rows_so_length_does_not_give_it_away()
    {
        var rows = Task.Rows.Cast<ClassificationRow>().ToList();
        var goldLonger = rows.Count(r => r.Classes[r.AnswerIndex].Length > r.Classes[1 - r.AnswerIndex].Length);
        Assert.Equal(rows.Count / 2, goldLonger);
    }

    [Fact]
    public void Known_roundings_of_the_generator_helpers()
    {
        Assert.Equal("0.00472", SigFigsGenerator.RoundSignificant(0.0047182m, 3, -3));
        Assert.Equal("0.00470", SigFigsGenerator.RoundSignificant(0.0046963m, 3, -3));
        Assert.Equal("48000", SigFigsGenerator.RoundSignificant(48213.672m, 2, 4));
        Assert.Equal("10000", SigFigsGenerator.RoundSignificant(9653.1m, 1, 3));
        Assert.Equal("10.0", SigFigsGenerator.RoundSignificant(9.9961m, 3, 0));
        Assert.Equal("0.0100", SigFigsGenerator.RoundSignificant(0.0099962m, 3, -3));
        Assert.Equal("0.005", SigFigsGenerator.RoundPlaces(0.0047182m, 3));
        Assert.Equal("48213.67", SigFigsGenerator.RoundPlaces(48213.672m, 2));
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems("sig-figs", shots: 0, cause: "distractor-task"));

    private static void AssertRoundings(IReadOnlyList<TaskRow> rows, string expectedUnit, bool goldIsSignificant)
    {
        foreach (var row in rows.Cast<ClassificationRow>())
        {
            var match = Item().Match(row.Prompt);
            Assert.True(match.Success, $"unparsed prompt: {row.Prompt}");
            Assert.Equal(expectedUnit, match.Groups["unit"].Value);
            var text = match.Groups["number"].Value;
            var value = double.Parse(text, CultureInfo.InvariantCulture);
            var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);

            // Independent of the generator: .NET's shortest round-trip "G" formatting for significant figures, Math.Round on doubles for places.
            var significant = double.Parse(value.ToString("G" + n, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var places = Math.Round(value, n, MidpointRounding.AwayFromZero);
            var gold = row.Classes[row.AnswerIndex][1..];
            var other = row.Classes[1 - row.AnswerIndex][1..];
            var (goldValue, otherValue) = goldIsSignificant ? (significant, places) : (places, significant);
            Assert.True(Same(goldValue, double.Parse(gold, CultureInfo.InvariantCulture)), $"{text} to {n}: gold {gold}, expected {goldValue}");
            Assert.True(Same(otherValue, double.Parse(other, CultureInfo.InvariantCulture)), $"{text} to {n}: other {other}, expected {otherValue}");
            Assert.False(Same(significant, places), $"{text} to {n}: the two roundings are equal");

            var placesText = goldIsSignificant ? other : gold;
            Assert.Equal(n, placesText.Length - placesText.IndexOf('.') - 1);
            var significantText = goldIsSignificant ? gold : other;
            if (significantText.Contains('.', StringComparison.Ordinal)) Assert.Equal(n, SignificantDigits(significantText));
            else Assert.InRange(SignificantDigits(significantText), 1, n);
        }
    }

    /// <summary>Digits from the first non-zero one; for integers, trailing zeros are placeholders and do not count.</summary>
    private static int SignificantDigits(string number)
    {
        var digits = number.Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        return number.Contains('.', StringComparison.Ordinal) ? digits.Length : digits.TrimEnd('0').Length;
    }

    private static bool Same(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b));
}
