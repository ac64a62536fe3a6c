using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// repetitive-algebra: eight solved one-variable equations whose answers are all the same number, then a query whose
/// answer is a different number. Classes: the query's solution and the repeated number.
/// Control: the same query and classes after eight solved equations with all-different answers.
/// </summary>
public sealed class RepetitiveAlgebraGenerator : ITaskGenerator
{
    private const int Seed = 5519;
    private const int RowCount = 320;
    private const int ControlCount = 160;
    internal const int Shots = 8;
    internal const string Instruction = "Work out x in each equation.\n\n";

    public string Name => "repetitive-algebra";

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var random = new SeededRandom(Seed);
        var rows = new List<ClassificationRow>(RowCount);
        var control = new List<ClassificationRow>(ControlCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (rows.Count < RowCount)
        {
            var repeated = random.Next(2, 60);
            var solution = random.Next(2, 60);
            if (solution == repeated) continue;
            var query = Equation(random, solution);
            var goldIndex = rows.Count % 2;

            var regular = Enumerable.Range(0, Shots).Select(_ => Equation(random, repeated)).ToList();
            if (regular.Select(e => e.Text).Distinct(StringComparer.Ordinal).Count() < Shots) continue;
            var prompt = Prompt(regular, query);
            if (!seen.Add(prompt)) continue;
            rows.Add(GeneratedTaskKit.PlaceGold(prompt, " " + Text(solution), [" " + Text(repeated)], goldIndex));

            if (control.Count < ControlCount)
            {
                // All-different answers, none of them the query's solution or the number repeated in the main row.
                var answers = random.Shuffle(Enumerable.Range(2, 58).Where(a => a != solution && a != repeated)).Take(Shots);
                control.Add(GeneratedTaskKit.PlaceGold(Prompt(answers.Select(a => Equation(random, a)).ToList(), query),
                    " " + Text(solution), [" " + Text(repeated)], goldIndex));
            }
        }
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(Name, Shots, InverseScalingCauses.SpuriousFewShot,
            "Solve the query equation itself instead of repeating the answer shared by the demonstrations.", rows, Seed);
        return new GeneratedTask(definition, rows, control, GeneratedTaskKit.Card(definition, Card, rows, control));
    }

    /// <summary>An equation in x as written in a prompt, and its solution.</summary>
    internal sealed record SolvedEquation(string Text, int Solution);

    /// <summary>A random equation of one of eight forms whose solution is <paramref name="x"/>; every number in it is a positive integer.</summary>
    internal static SolvedEquation Equation(SeededRandom random, int x)
    {
        var a = random.Next(2, 10);
        var c = random.Next(3, 90);
        var divisors = Enumerable.Range(2, 8).Where(d => x % d == 0).ToList();
        var form = random.Next(8);
        if (form == 5 && divisors.Count == 0) form = 4;
        var d = form == 5 ? divisors[random.Next(divisors.Count)] : 1;
        FormattableString text = form switch
        {
            0 => $"x + {c} = {x + c}",
            1 => $"{c} + x = {x + c}",
            2 => $"x - {Math.Min(c, x - 1)} = {x - Math.Min(c, x - 1)}",
            3 => $"{x + c} - x = {c}",
            4 => $"{a}x = {a * x}",
            5 => $"x / {d} = {x / d}",
            6 => $"{a}x + {c} = {a * x + c}",
            _ => $"{a}x - {Math.Min(c, a * x - 1)} = {a * x - Math.Min(c, a * x - 1)}",
        };
        return new SolvedEquation(FormattableString.Invariant(text), x);
    }

    private static string Prompt(IReadOnlyList<SolvedEquation> demonstrations, SolvedEquation query)
    {
        var sb = new StringBuilder(Instruction);
        foreach (var d in demonstrations) sb.Append(d.Text).Append("\nx = ").Append(Text(d.Solution)).Append("\n\n");
        return sb.Append(query.Text).Append("\nx =").ToString();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static readonly CardText Card = new(
        Title: "solving an equation after demonstrations that share one answer",
        WhatItTests: $"Each prompt shows {Shots} solved linear equations in x, then a query equation. In the main set every " +
            "demonstration has the same solution (for example x = 17 eight times over, reached through different equations); " +
            "the query's solution is a different number. The classes are the query's true solution and the repeated number.",
        WhyModelsFail: "The demonstrations are all correct, but they also fit the wrong rule \"the answer is always 17\". A " +
            "model that copies that spurious regularity from the few-shot examples (spurious few-shot, in the paper's terms) " +
            "answers with the repeated number, and larger models are better at spotting and continuing such patterns.",
        HowGenerated: "Equations take one of eight forms (x + c = b, c + x = b, x - c = b, b - x = c, ax = b, x / a = b, " +
            "ax + c = b, ax - c = b) with a from 2 to 9 and c from 3 to 89 (smaller where a result would not be positive), built backwards from the wanted " +
            "solution so that every constant is an integer. The repeated solution and the query's solution are distinct integers " +
            "from 2 to 59. Demonstrations within a prompt are distinct. The gold class is placed first in every other row.",
        ControlSet: "`control.jsonl` takes the first 160 queries of the main set, with the same two classes in the same order, " +
            "and precedes each by eight solved equations whose solutions are all different and never equal the query's solution " +
            "or the repeated number of the main row. Without the regularity there is nothing to copy, so the control measures " +
            "whether the model can solve the query at all.");
}
