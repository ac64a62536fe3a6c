using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class MemoTrapGeneratorTests
{
    private const string Task = "memo-trap";

    private static readonly GeneratorSources Sources = GeneratorSources.Find(TestPaths.RepositoryRoot);
    private static readonly GeneratedTask Generated = new MemoTrapGenerator().Generate(Sources);

    [Fact]
    public void Gold_is_the_named_word_and_the_other_class_is_the_saying_s_usual_word()
    {
        var rows = Generated.Rows.Cast<ClassificationRow>().ToList();
        Assert.All(rows, row =>
        {
            var (named, stem) = Parse(row.Prompt);
            var (word, punctuation) = CommittedSayings.ByStem[stem];
            Assert.NotEqual(char.ToLowerInvariant(word[0]), char.ToLowerInvariant(named[0]));
            Assert.Equal($" {named}{punctuation}", row.Classes[row.AnswerIndex]);
            Assert.Equal($" {word}{punctuation}", row.Classes[1 - row.AnswerIndex]);
        });
        Assert.Equal(CommittedSayings.ByStem.Keys.Order(), rows.Select(r => Parse(r.Prompt).Stem).Order());
    }

    [Fact]
    public void Control_names_the_usual_word_and_gold_is_that_word()
    {
        Assert.All(Generated.Control.Cast<ClassificationRow>(), row =>
        {
            var (named, stem) = Parse(row.Prompt);
            var (word, punctuation) = CommittedSayings.ByStem[stem];
            Assert.Equal(word, named);
            Assert.Equal($" {word}{punctuation}", row.Classes[row.AnswerIndex]);
            Assert.Matches($@"^ [A-Za-z]+\{punctuation}$", row.Classes[1 - row.AnswerIndex]);
        });
    }

    [Fact]
    public void The_named_word_differs_from_the_word_resisting_correction_puts_in_the_same_saying()
    {
        var resisting = new ResistingCorrectionGenerator().Generate(Sources).Rows.Cast<ClassificationRow>()
            .ToDictionary(r => ResistingCorrectionGeneratorTests.LastTurn(r.Prompt).Partial, r => r.Classes[r.AnswerIndex]);
        Assert.All(Generated.Rows.Cast<ClassificationRow>(), row =>
            Assert.NotEqual(resisting[Parse(row.Prompt).Stem], row.Classes[row.AnswerIndex]));
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems(Task, shots: 0, cause: "strong-prior"));

    /// <summary>The quoted word the instruction names, and the saying's beginning on the last line.</summary>
    private static (string Named, string Stem) Parse(string prompt)
    {
        var named = Assert.Single(Regex.Matches(prompt, "\"([A-Za-z]+)\"")).Groups[1].Value;
        var last = prompt.Split('\n')[^1];
        return (named, last.StartsWith("Phrase: ", StringComparison.Ordinal) ? last["Phrase: ".Length..] : last);
    }
}
