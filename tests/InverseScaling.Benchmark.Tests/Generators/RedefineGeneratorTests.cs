using System.Globalization;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed partial class RedefineGeneratorTests
{
    private static readonly GeneratedTask Task = new RedefineGenerator().Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

    private static readonly Dictionary<string, decimal> UsualValues = new()
    {
        ["π"] = 3.1415926535897932384626m, ["e"] = 2.7182818284590452353602m, ["φ"] = 1.6180339887498948482045m,
        ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9,
        ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["twenty"] = 20,
    };

    private static readonly Dictionary<string, string> UsualOperators = new() { ["+"] = "addition", ["-"] = "subtraction", ["×"] = "multiplication", ["÷"] = "division" };

    [GeneratedRegex(@"^(?:In this question, |Use this rule: |Redefinition: )the (?<kind>constant|word|symbol) ""?(?<sym>[^ ""]+)""? (?:now stands for|means|is defined as) (?<meaning>[\w.]+)\. " +
                    @"(?:What is|Under that rule, what is|Now give) the first digit of (?<expr>[^?]+?)[?.]\nFirst digit:$")]
    private static partial Regex Redefined();

    [GeneratedRegex(@"^(?:What is|Give) the first digit of (?<expr>[^?]+?)[?.]\nFirst digit:$")]
    private static partial Regex Plain();

    [Fact]
    public void Gold_is_the_first_digit_under_the_new_meaning_and_the_other_class_under_the_usual_one()
    {
        foreach (var row in Task.Rows.Cast<ClassificationRow>())
        {
            var m = Redefined().Match(row.Prompt);
            Assert.True(m.Success, $"unparsed prompt: {row.Prompt}");
            var (symbol, meaning, expression) = (m.Groups["sym"].Value, m.Groups["meaning"].Value, m.Groups["expr"].Value);

            var redefined = m.Groups["kind"].Value == "symbol"
                ? Evaluate(expression, symbol, operatorMeaning: meaning)
                : Evaluate(expression, symbol, value: decimal.Parse(meaning, CultureInfo.InvariantCulture));
            var usual = Evaluate(expression, symbol);
            if (m.Groups["kind"].Value == "symbol")
            {
                Assert.Equal(decimal.Floor(redefined), redefined);
                Assert.Equal(decimal.Floor(usual), usual);
            }

            Assert.Equal(FirstDigit(redefined), row.Classes[row.AnswerIndex]);
            Assert.Equal(FirstDigit(usual), row.Classes[1 - row.AnswerIndex]);
        }
    }

    [Fact]
    public void All_three_kinds_of_redefinition_and_every_operator_occur()
    {
        var matches = Task.Rows.Select(r => Redefined().Match(r.Prompt)).ToList();
        Assert.Equal(110, matches.Count(m => m.Groups["kind"].Value == "constant"));
        Assert.Equal(110, matches.Count(m => m.Groups["kind"].Value == "word"));
        Assert.Equal(110, matches.Count(m => m.Groups["kind"].Value == "symbol"));
        Assert.Equal(["+", "-", "×", "÷"], matches.Where(m => m.Groups["kind"].Value == "symbol").Select(m => m.Groups["sym"].Value).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["e", "π", "φ"], matches.Where(m => m.Groups["kind"].Value == "constant").Select(m => m.Groups["sym"].Value).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Control_asks_main_set_expressions_without_redefinition_with_the_usual_digit_gold()
    {
        var firstByExpression = new Dictionary<string, ClassificationRow>();
        foreach (var row in Task.Rows.Cast<ClassificationRow>()) firstByExpression.TryAdd(Redefined().Match(row.Prompt).Groups["expr"].Value, row);

        foreach (var row in Task.Control.Cast<ClassificationRow>())
        {
            var m = Plain().Match(row.Prompt);
            Assert.True(m.Success, $"unparsed control prompt: {row.Prompt}");
            var expression = m.Groups["expr"].Value;
            var symbol = UsualValues.Keys.Concat(UsualOperators.Keys).First(s => expression.Split(' ').Contains(s));
            Assert.Equal(FirstDigit(Evaluate(expression, symbol)), row.Classes[row.AnswerIndex]);

            var main = firstByExpression[expression];
            Assert.Equal(main.Classes[main.AnswerIndex], row.Classes[1 - row.AnswerIndex]);
        }
        Assert.Equal(Task.Control.Count, Task.Control.Select(r => Plain().Match(r.Prompt).Groups["expr"].Value).Distinct().Count());
    }

    [Fact]
    public void First_digit_and_operator_helpers_give_known_values()
    {
        Assert.Equal(3, RedefineGenerator.FirstDigit(39.2m));
        Assert.Equal(1, RedefineGenerator.FirstDigit(1.0m));
        Assert.Equal(9, RedefineGenerator.FirstDigit(987m));
        Assert.Equal(56, RedefineGenerator.Apply("subtraction", 64, 8));
        Assert.Equal(8, RedefineGenerator.Apply("division", 64, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedefineGenerator.FirstDigit(0.5m));
    }

    [Fact]
    public void Committed_files_follow_the_quality_rules() =>
        Assert.Empty(CommittedTaskFolder.QualityProblems("redefine", shots: 0, cause: "strong-prior"));

    /// <summary>
    /// Evaluates "S", "S + k", "k × S", "W plus k", "W times k" or "a OP b", with the symbol taking <paramref name="value"/>
    /// (or its usual value) and the operator <paramref name="operatorMeaning"/> (or its usual meaning).
    /// </summary>
    private static decimal Evaluate(string expression, string symbol, decimal? value = null, string? operatorMeaning = null)
    {
        var tokens = expression.Split(' ');
        decimal Number(string token) => token == symbol ? value ?? UsualValues[symbol] : decimal.Parse(token, CultureInfo.InvariantCulture);
        if (tokens.Length == 1) return Number(tokens[0]);
        Assert.Equal(3, tokens.Length);
        var meaning = tokens[1] switch
        {
            "plus" => "addition",
            "times" => "multiplication",
            var op when op == symbol => operatorMeaning ?? UsualOperators[op],
            var op => UsualOperators[op],
        };
        var (a, b) = (tokens[1] == symbol ? decimal.Parse(tokens[0], CultureInfo.InvariantCulture) : Number(tokens[0]),
                      tokens[1] == symbol ? decimal.Parse(tokens[2], CultureInfo.InvariantCulture) : Number(tokens[2]));
        return meaning switch
        {
            "addition" => a + b,
            "subtraction" => a - b,
            "multiplication" => a * b,
            _ => a / b,
        };
    }

    private static string FirstDigit(decimal value)
    {
        Assert.True(value >= 1, $"first digit asked of {value}");
        return " " + decimal.Floor(value).ToString(CultureInfo.InvariantCulture)[0];
    }
}
