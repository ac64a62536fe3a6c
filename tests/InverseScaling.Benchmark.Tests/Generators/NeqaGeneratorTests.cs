using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed partial class NeqaGeneratorTests
{
    private static readonly GeneratorSources Sources = GeneratorSources.Find(TestPaths.RepositoryRoot);
    private static readonly GeneratedTask Task = new NeqaGenerator().Generate(Sources);

    /// <summary>relation, head, domain, word — read straight from the committed TSV.</summary>
    private static readonly string[][] Relations = File.ReadLines(Path.Combine(Sources.Directory, "wordnet-relations.tsv"))
        .Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToArray();

    private static readonly Dictionary<string, string> HeadOfDisplay = new() { ["colour"] = "chromatic color", ["fruit"] = "edible fruit", ["metal"] = "metallic element" };

    [GeneratedRegex(@"^(?:Quiz question: which of the two options (?<rel>[^?]+)\?\nA\. (?<a>\w+)\nB\. (?<b>\w+)\nAnswer:" +
                    @"|Pick the option that (?<rel>[^.]+)\.\nA\) (?<a>\w+)\nB\) (?<b>\w+)\nThe answer is" +
                    @"|Two choices are given\. Which one (?<rel>[^?]+)\?\nA: (?<a>\w+)\nB: (?<b>\w+)\nAnswer:)$")]
    private static partial Regex Layout();

    [GeneratedRegex(@"^(?<verb>is not|isn't|is) (?:a )?(?:(?:kind|type) of (?<kind>.+)|part of (?<article>an?) (?<whole>.+))$")]
    private static partial Regex Relation();

    [Fact]
    public void Negated_questions_make_the_option_outside_the_relation_gold()
    {
        foreach (var q in Task.Rows.Cast<ClassificationRow>().Select(Parse))
        {
            Assert.True(q.Negated, $"no negation in: {q.Row.Prompt}");
            Assert.Equal(q.Outside, q.Options[q.Row.AnswerIndex]);
        }
    }

    [Fact]
    public void Control_questions_drop_the_negation_and_make_the_member_gold()
    {
        var main = Task.Rows.Cast<ClassificationRow>().Select(Parse).Select(q => (q.Head, q.Options[0], q.Options[1])).ToHashSet();
        foreach (var q in Task.Control.Cast<ClassificationRow>().Select(Parse))
        {
            Assert.False(q.Negated, $"negation in control: {q.Row.Prompt}");
            Assert.Equal(q.Member, q.Options[q.Row.AnswerIndex]);
            Assert.Contains((q.Head, q.Options[0], q.Options[1]), main);
        }
    }

    [Fact]
    public void Kind_of_and_part_of_questions_both_appear_and_every_kind_of_category_is_asked()
    {
        var questions = Task.Rows.Cast<ClassificationRow>().Select(Parse).ToList();
        Assert.Equal(240, questions.Count(q => q.Relation == "kind-of"));
        Assert.Equal(80, questions.Count(q => q.Relation == "part-of"));
        var categories = Relations.Where(r => r[0] == "kind-of").Select(r => r[1]).Distinct().Count();
        Assert.Equal(categories, questions.Where(q => q.Relation == "kind-of").Select(q => q.Head).Distinct().Count());
    }

    [Fact]
    public void Wholes_take_a_or_an_by_their_first_letter()
    {
        Assert.Contains(Task.Rows, r => r.Prompt.Contains("part of an arm", StringComparison.Ordinal));
        Assert.Contains(Task.Rows, r => r.Prompt.Contains("part of a leg", StringComparison.Ordinal));
        Assert.DoesNotContain(Task.Rows, r => r.Prompt.Contains("part of a arm", StringComparison.Ordinal) || r.Prompt.Contains("part of an leg", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_relations_file_is_reported_with_its_line_and_the_fix()
    {
        var dir = TestPaths.NewTempDirectory();
        File.WriteAllText(Path.Combine(dir, "wordnet-relations.tsv"), "# header\nkind-of\tbird\tanimal\trobin\nkind-of\tbird\trobin\n");

        var error = Assert.Throws<BenchmarkInputException>(() => NeqaGenerator.ReadHeads(new GeneratorSources(dir)));

        Assert.Equal(
            $"{Path.Combine(dir, "wordnet-relations.tsv")}:3: 'kind-of\\tbird\\trobin' is not relation (kind-of or part-of), head, domain " +
            "and word separated by tabs. Fix: rerun wordnet-relations.py in the same folder to rewrite the file",
            error.Message);
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems("neqa", shots: 0, cause: "distractor-task"));

    private sealed record Question(ClassificationRow Row, string Relation, string Head, bool Negated, string[] Options, string Member, string Outside);

    private static Question Parse(ClassificationRow row)
    {
        Assert.Equal([" A", " B"], row.Classes);
        var layout = Layout().Match(row.Prompt);
        Assert.True(layout.Success, $"unparsed prompt: {row.Prompt}");
        var relation = Relation().Match(layout.Groups["rel"].Value);
        Assert.True(relation.Success, $"unparsed relation: {layout.Groups["rel"].Value}");

        var partOf = relation.Groups["whole"].Success;
        var shown = partOf ? relation.Groups["whole"].Value : relation.Groups["kind"].Value;
        var head = HeadOfDisplay.GetValueOrDefault(shown, shown);
        if (partOf) Assert.Equal("aeiou".Contains(head[0], StringComparison.Ordinal) ? "an" : "a", relation.Groups["article"].Value);
        var kind = partOf ? "part-of" : "kind-of";
        var headRows = Relations.Where(r => r[0] == kind && r[1] == head).ToList();
        Assert.NotEmpty(headRows);

        string[] options = [layout.Groups["a"].Value, layout.Groups["b"].Value];
        var inside = options.Where(o => headRows.Any(r => r[3] == o)).ToList();
        Assert.True(inside.Count == 1, $"expected exactly one option under '{head}' in WordNet: {row.Prompt}");
        var outside = options.Single(o => o != inside[0]);
        var outsideDomains = Relations.Where(r => r[0] == kind && r[3] == outside).Select(r => r[2]).ToList();
        Assert.NotEmpty(outsideDomains);
        Assert.DoesNotContain(headRows[0][2], outsideDomains);

        return new Question(row, kind, head, relation.Groups["verb"].Value != "is", options, inside[0], outside);
    }
}
