using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed partial class RepetitiveAlgebraGeneratorTests
{
    private static readonly GeneratedTask Task = new RepetitiveAlgebraGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    [GeneratedRegex(@"^(?:(?<a>\d+)?x (?<op>[-+/]) (?<c>\d+)|(?<c>\d+) (?<op>[-+]) x|(?<a>\d+)x) = (?<b>\d+)$")]
    private static partial Regex EquationText();

    [Fact]
    public void Main_demonstrations_all_solve_to_the_repeated_class_and_the_query_solves_to_the_gold_class()
    {
        foreach (var row in Task.Rows.Cast<ClassificationRow>())
        {
            var (demos, query) = Parse(row.Prompt);
            var repeated = int.Parse(row.Classes[1 - row.AnswerIndex], CultureInfo.InvariantCulture);
            Assert.All(demos, d => Assert.Equal((repeated, repeated), (d.Solved, d.Stated)));
            Assert.Equal(RepetitiveAlgebraGenerator.Shots, demos.Select(d => d.Text).Distinct().Count());
            Assert.Equal(int.Parse(row.Classes[row.AnswerIndex], CultureInfo.InvariantCulture), query);
            Assert.NotEqual(repeated, query);
        }
    }

    [Fact]
    public void Control_demonstrations_have_all_different_answers_that_avoid_both_classes()
    {
        var main = Task.Rows.Cast<ClassificationRow>().ToList();
        foreach (var (row, i) in Task.Control.Cast<ClassificationRow>().Select((r, i) => (r, i)))
        {
            var (demos, query) = Parse(row.Prompt);
            var classes = row.Classes.Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
            Assert.All(demos, d => Assert.Equal(d.Solved, d.Stated));
            Assert.Equal(RepetitiveAlgebraGenerator.Shots, demos.Select(d => d.Solved).Distinct().Count());
            Assert.DoesNotContain(demos, d => classes.Contains(d.Solved));
            Assert.Equal(classes[row.AnswerIndex], query);

            // Same query, classes and gold as the main row it was paired with.
            Assert.Equal(main[i].Classes, row.Classes);
            Assert.Equal(main[i].AnswerIndex, row.AnswerIndex);
            Assert.Equal(main[i].Prompt[main[i].Prompt.LastIndexOf("\n\n", StringComparison.Ordinal)..], row.Prompt[row.Prompt.LastIndexOf("\n\n", StringComparison.Ordinal)..]);
        }
    }

    [Fact]
    public void All_eight_equation_forms_occur()
    {
        var forms = Task.Rows.SelectMany(r => Parse(r.Prompt).Demos).Select(d => Regex.Replace(d.Text, @"\d+", "n")).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["n + x = n", "n - x = n", "nx + n = n", "nx - n = n", "nx = n", "x + n = n", "x - n = n", "x / n = n"], forms);
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems("repetitive-algebra", shots: 8, cause: "spurious-few-shot"));

    private sealed record Demo(string Text, int Solved, int Stated);

    private static (List<Demo> Demos, int Query) Parse(string prompt)
    {
        Assert.StartsWith(RepetitiveAlgebraGenerator.Instruction, prompt);
        var blocks = prompt[RepetitiveAlgebraGenerator.Instruction.Length..].Split("\n\n");
        Assert.Equal(RepetitiveAlgebraGenerator.Shots + 1, blocks.Length);
        var demos = blocks[..^1].Select(block =>
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("x = ", lines[1]);
            return new Demo(lines[0], Solve(lines[0]), int.Parse(lines[1][4..], CultureInfo.InvariantCulture));
        }).ToList();
        Assert.EndsWith("\nx =", blocks[^1]);
        return (demos, Solve(blocks[^1][..^4]));
    }

    /// <summary>Solves one equation for x, and checks that x is a positive integer.</summary>
    private static int Solve(string equation)
    {
        var m = EquationText().Match(equation);
        Assert.True(m.Success, $"unparsed equation: {equation}");
        var a = m.Groups["a"].Success ? int.Parse(m.Groups["a"].Value, CultureInfo.InvariantCulture) : 1;
        var b = int.Parse(m.Groups["b"].Value, CultureInfo.InvariantCulture);
        var c = m.Groups["c"].Success ? int.Parse(m.Groups["c"].Value, CultureInfo.InvariantCulture) : 0;
        var op = m.Groups["op"].Value;
        var xFirst = op.Length == 0 || equation.IndexOf('x', StringComparison.Ordinal) < equation.IndexOf($" {op} ", StringComparison.Ordinal);
        var (numerator, denominator) = (op, xFirst) switch
        {
            ("+", _) => (b - c, a),           // ax + c = b  or  c + x = b
            ("-", true) => (b + c, a),        // ax - c = b
            ("-", false) => (c - b, 1),       // c - x = b
            ("/", _) => (b * c, 1),           // x / c = b
            _ => (b, a),                      // ax = b
        };
        Assert.Equal(0, numerator % denominator);
        var x = numerator / denominator;
        Assert.True(x > 0, $"non-positive solution of {equation}");
        return x;
    }
}
