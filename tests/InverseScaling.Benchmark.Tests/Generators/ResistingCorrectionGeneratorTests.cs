using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class ResistingCorrectionGeneratorTests
{
    private const string Task = "resisting-correction";

    private static readonly GeneratedTask Generated =
        new ResistingCorrectionGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    [Fact]
    public void Gold_is_the_changed_word_the_input_ends_with_and_the_other_class_is_the_saying_s_own_word()
    {
        var rows = Generated.Rows.Cast<ClassificationRow>().ToList();
        Assert.All(rows, row =>
        {
            var (input, partial) = LastTurn(row.Prompt);
            var (word, punctuation) = CommittedSayings.ByStem[partial];
            var gold = row.Classes[row.AnswerIndex];
            Assert.Equal(partial + gold, input);
            Assert.Equal($" {word}{punctuation}", row.Classes[1 - row.AnswerIndex]);
            Assert.Matches($@"^ [A-Za-z]+\{punctuation}$", gold);
            Assert.NotEqual(char.ToLowerInvariant(word[0]), char.ToLowerInvariant(gold[1]));
        });
        Assert.Equal(CommittedSayings.ByStem.Keys.Order(), rows.Select(r => LastTurn(r.Prompt).Partial).Order());
    }

    [Fact]
    public void Control_inputs_are_the_unaltered_sayings_and_gold_is_their_own_word()
    {
        Assert.All(Generated.Control.Cast<ClassificationRow>(), row =>
        {
            var (input, partial) = LastTurn(row.Prompt);
            var (word, punctuation) = CommittedSayings.ByStem[partial];
            Assert.Equal($"{partial} {word}{punctuation}", input);
            Assert.Equal($" {word}{punctuation}", row.Classes[row.AnswerIndex]);
            Assert.NotEqual(char.ToLowerInvariant(word[0]), char.ToLowerInvariant(row.Classes[1 - row.AnswerIndex][1]));
        });
    }

    [Fact]
    public void Every_prompt_has_two_exact_repeat_back_demonstrations_before_the_saying()
    {
        Assert.All(Generated.Rows.Concat(Generated.Control).Cast<ClassificationRow>(), row =>
        {
            var blocks = row.Prompt.Split("\n\n");
            Assert.Equal(4, blocks.Length);
            foreach (var demo in blocks[1..3])
            {
                var match = Regex.Match(demo, @"^(\w+): (.+)\n(\w+): (.+)$");
                Assert.True(match.Success, demo);
                Assert.Equal(match.Groups[2].Value, match.Groups[4].Value);
                Assert.DoesNotContain(match.Groups[2].Value[..match.Groups[2].Value.LastIndexOf(' ')], CommittedSayings.ByStem.Keys);
            }
        });
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems(Task, shots: 2, cause: "strong-prior"));

    /// <summary>The input of the last turn and the start of its repetition.</summary>
    internal static (string Input, string Partial) LastTurn(string prompt)
    {
        var lines = prompt.Split('\n');
        return (lines[^2][(lines[^2].IndexOf(": ", StringComparison.Ordinal) + 2)..], lines[^1][(lines[^1].IndexOf(": ", StringComparison.Ordinal) + 2)..]);
    }
}
