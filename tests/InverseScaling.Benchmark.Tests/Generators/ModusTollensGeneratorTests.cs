using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class ModusTollensGeneratorTests
{
    private static readonly GeneratedTask Task = new ModusTollensGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    /// <summary>Every named conditional the generator can write, by its two clauses.</summary>
    private static readonly Dictionary<(string If, string Then), (string Name, ModusTollensGenerator.Conditional Conditional)> ByClauses =
        ModusTollensGenerator.Names
            .SelectMany(n => ModusTollensGenerator.Conditionals.Select(c => (Name: n, Conditional: c.Named(n))))
            .ToDictionary(x => (x.Conditional.If, x.Conditional.Then));

    /// <summary>One pattern per layout: the conditional's two clauses, the second premise and the conclusion.</summary>
    private static readonly Regex[] Layouts =
    [
        new(@"^Here is an argument\.\nIf (?<p>[^.]+), then (?<q>[^.]+)\.\n(?<premise>[^\n]+)\.\nSo (?<conclusion>[^\n]+)\.\nIs this argument logically valid\? Answer Yes or No\.\nAnswer:$"),
        new(@"^Premise 1: If (?<p>[^.]+), then (?<q>[^.]+)\.\nPremise 2: (?<premise>[^\n]+)\.\nConclusion: (?<conclusion>[^\n]+)\.\nDoes the conclusion follow from the two premises\?\nAnswer:$"),
        new(@"^Consider the reasoning: ""If (?<p>[^.]+), then (?<q>[^.]+)\. (?<premise>[^.]+)\. Therefore, (?<conclusion>[^.]+)\.""\nJudge the logic alone: is the conclusion valid\?\nAnswer:$"),
    ];

    [Fact]
    public void Main_rows_deny_the_consequent_and_conclude_the_negated_antecedent_with_gold_yes()
    {
        foreach (var (c, premise, conclusion, row) in Parse(Task.Rows))
        {
            Assert.Equal(c.ThenNot, premise);
            Assert.Equal(c.IfNot, conclusion);
            Assert.Equal(" Yes", row.Classes[row.AnswerIndex]);
            Assert.Equal([" No", " Yes"], row.Classes.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Control_rows_affirm_the_antecedent_and_conclude_the_consequent_with_gold_yes()
    {
        foreach (var (c, premise, conclusion, row) in Parse(Task.Control))
        {
            Assert.Equal(c.If, premise);
            Assert.Equal(c.Then, conclusion);
            Assert.Equal(" Yes", row.Classes[row.AnswerIndex]);
        }
    }

    [Fact]
    public void Every_negation_differs_from_its_clause_by_a_not_or_no()
    {
        foreach (var c in ModusTollensGenerator.Conditionals)
        {
            foreach (var (positive, negative) in new[] { (c.If, c.IfNot), (c.Then, c.ThenNot) })
            {
                Assert.NotEqual(positive, negative);
                Assert.Matches(@"\b(not|no)\b", negative);
                Assert.DoesNotMatch(@"\b(not|no)\b", positive);
            }
        }
    }

    [Fact]
    public void Every_conditional_appears_in_the_main_set_at_least_five_times()
    {
        var uses = Parse(Task.Rows).GroupBy(x => x.Conditional.If.Replace(x.Name, "{n}", StringComparison.Ordinal)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ModusTollensGenerator.Conditionals.Length, uses.Count);
        Assert.All(uses, u => Assert.True(u.Value >= 5, $"'{u.Key}' appears {u.Value} times"));
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems("modus-tollens", shots: 0, cause: "unwanted-imitation"));

    private sealed record Parsed(ModusTollensGenerator.Conditional Conditional, string Premise, string Conclusion, ClassificationRow Row, string Name)
    {
        public void Deconstruct(out ModusTollensGenerator.Conditional c, out string premise, out string conclusion, out ClassificationRow row) =>
            (c, premise, conclusion, row) = (Conditional, Premise, Conclusion, Row);
    }

    private static List<Parsed> Parse(IReadOnlyList<TaskRow> rows) => rows.Cast<ClassificationRow>().Select(row =>
    {
        var matches = Layouts.Select(l => l.Match(row.Prompt)).Where(m => m.Success).ToList();
        Assert.True(matches.Count == 1, $"prompt matches {matches.Count} layouts: {row.Prompt}");
        var m = matches[0];
        Assert.True(ByClauses.TryGetValue((m.Groups["p"].Value, m.Groups["q"].Value), out var found), $"no conditional for: {row.Prompt}");
        var (name, conditional) = found;
        return new Parsed(conditional, Decapitalise(m.Groups["premise"].Value), Decapitalise(m.Groups["conclusion"].Value), row, name);
    }).ToList();

    /// <summary>Undoes sentence-initial capitals on clauses that begin with a lower-case word ("The kitchen ..." → "the kitchen ...").</summary>
    private static string Decapitalise(string sentence) =>
        sentence.StartsWith("The ", StringComparison.Ordinal) || sentence.StartsWith("There ", StringComparison.Ordinal) || sentence.StartsWith("It ", StringComparison.Ordinal)
            ? char.ToLowerInvariant(sentence[0]) + sentence[1..]
            : sentence;
}
