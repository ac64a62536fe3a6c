using System.Globalization;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// redefine: a constant (π, e, φ), a number word or an operator (+, -, ×, ÷) is given a new meaning, then a question asks
/// for the first digit of an expression that uses it. Gold: the digit under the new meaning; the other class: the usual one.
/// Control: the same expressions with no redefinition, gold the usual digit.
/// </summary>
public sealed class RedefineGenerator : ITaskGenerator
{
    private const int Seed = 7321;
    private const int RowCount = 330;
    private const int ControlCount = 165;

    public string Name => "redefine";

    /// <summary>The constants and their usual values, exact to far more places than any first digit needs.</summary>
    internal static readonly (string Symbol, decimal Value)[] Constants = [("π", 3.14159265358979m), ("e", 2.71828182845905m), ("φ", 1.61803398874989m)];

    internal static readonly (string Word, int Value)[] NumberWords =
    [
        ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8), ("nine", 9),
        ("ten", 10), ("eleven", 11), ("twelve", 12), ("twenty", 20),
    ];

    internal static readonly (string Symbol, string Meaning)[] Operators = [("+", "addition"), ("-", "subtraction"), ("×", "multiplication"), ("÷", "division")];

    /// <summary>{0} the redefinition, {1} the expression.</summary>
    private static readonly string[] Templates =
    [
        "In this question, {0}. What is the first digit of {1}?\nFirst digit:",
        "Use this rule: {0}. Under that rule, what is the first digit of {1}?\nFirst digit:",
        "Redefinition: {0}. Now give the first digit of {1}.\nFirst digit:",
    ];

    private static readonly string[] ControlTemplates =
    [
        "What is the first digit of {1}?\nFirst digit:",
        "Give the first digit of {1}.\nFirst digit:",
    ];

    /// <summary>{0} what is redefined ("the constant π"), {1} its new meaning.</summary>
    private static readonly string[] Verbs = ["{0} now stands for {1}", "{0} means {1}", "{0} is defined as {1}"];

    /// <summary>One item: the redefinition clause, the expression, and its first digit under the new and the usual meaning.</summary>
    internal sealed record Item(string Redefinition, string Expression, int NewDigit, int UsualDigit);

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var random = new SeededRandom(Seed);
        var items = new List<Item>();
        var rows = new List<ClassificationRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (rows.Count < RowCount)
        {
            var item = (rows.Count % 3) switch { 0 => ConstantItem(random), 1 => WordItem(random), _ => OperatorItem(random) };
            if (item is null || item.NewDigit == item.UsualDigit) continue;
            var prompt = string.Format(CultureInfo.InvariantCulture, random.Pick(Templates), item.Redefinition, item.Expression);
            if (!seen.Add(prompt)) continue;
            items.Add(item);
            rows.Add(GeneratedTaskKit.PlaceGold(prompt, Digit(item.NewDigit), [Digit(item.UsualDigit)], goldIndex: rows.Count / 3 % 2));
        }

        var control = new List<ClassificationRow>();
        var controlSeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (control.Count == ControlCount) break;
            if (!controlSeen.Add(item.Expression)) continue;
            var prompt = string.Format(CultureInfo.InvariantCulture, random.Pick(ControlTemplates), item.Redefinition, item.Expression);
            control.Add(GeneratedTaskKit.PlaceGold(prompt, Digit(item.UsualDigit), [Digit(item.NewDigit)], goldIndex: control.Count / 3 % 2));
        }
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(Name, 0, InverseScalingCauses.StrongPrior,
            "Answer with the redefined meaning of the symbol or word, not its usual meaning.", rows, Seed);
        return new GeneratedTask(definition, rows, control, GeneratedTaskKit.Card(definition, Card, rows, control));
    }

    /// <summary>π, e or φ given a new value, in "π", "π + k" or "k × π".</summary>
    private static Item ConstantItem(SeededRandom random)
    {
        var (symbol, usual) = random.Pick(Constants);
        var value = random.Next(2) == 0 ? random.Next(4, 1000) : random.Next(10, 100) / 10m;
        var (expression, apply) = random.Next(3) switch
        {
            0 => (symbol, (Func<decimal, decimal>)(v => v)),
            1 => Plus(symbol, random.Next(1, 41)),
            _ => Times(symbol, random.Next(2, 10)),
        };
        var meaning = value.ToString("0.#", CultureInfo.InvariantCulture);
        return new Item(Redefine($"the constant {symbol}", meaning, random), expression, FirstDigit(apply(value)), FirstDigit(apply(usual)));

        static (string, Func<decimal, decimal>) Plus(string s, int k) => (string.Create(CultureInfo.InvariantCulture, $"{s} + {k}"), v => v + k);
        static (string, Func<decimal, decimal>) Times(string s, int k) => (string.Create(CultureInfo.InvariantCulture, $"{k} × {s}"), v => k * v);
    }

    /// <summary>A number word given a new value, in "seven plus k" or "seven times k".</summary>
    private static Item WordItem(SeededRandom random)
    {
        var (word, usual) = random.Pick(NumberWords);
        var value = random.Next(13, 100);
        var plus = random.Next(2) == 0;
        var k = plus ? random.Next(1, 31) : random.Next(2, 10);
        var expression = string.Create(CultureInfo.InvariantCulture, $"{word} {(plus ? "plus" : "times")} {k}");
        int Apply(int v) => plus ? v + k : v * k;
        return new Item(Redefine($"the word \"{word}\"", value.ToString(CultureInfo.InvariantCulture), random), expression,
            FirstDigit(Apply(value)), FirstDigit(Apply(usual)));
    }

    /// <summary>An operator given another operator's meaning, in "a ÷ b" with positive whole results under both meanings.</summary>
    private static Item? OperatorItem(SeededRandom random)
    {
        var symbol = random.Pick(Operators);
        var meaning = random.Pick(Operators.Where(o => o != symbol).ToList());
        var b = random.Next(2, 13);
        var divides = symbol.Meaning == "division" || meaning.Meaning == "division";
        var a = divides ? b * random.Next(2, 13) : random.Next(b + 1, 100);
        var usual = Apply(symbol.Meaning, a, b);
        var redefined = Apply(meaning.Meaning, a, b);
        if (usual <= 0 || redefined <= 0) return null;
        return new Item(Redefine($"the symbol {symbol.Symbol}", meaning.Meaning, random),
            string.Create(CultureInfo.InvariantCulture, $"{a} {symbol.Symbol} {b}"), FirstDigit(redefined), FirstDigit(usual));
    }

    internal static int Apply(string meaning, int a, int b) => meaning switch
    {
        "addition" => a + b,
        "subtraction" => a - b,
        "multiplication" => a * b,
        "division" => a / b,
        _ => throw new ArgumentOutOfRangeException(nameof(meaning), meaning, "not an operator meaning"),
    };

    private static string Redefine(string subject, string meaning, SeededRandom random) =>
        string.Format(CultureInfo.InvariantCulture, random.Pick(Verbs), subject, meaning);

    /// <summary>The leading digit of a number of at least 1.</summary>
    internal static int FirstDigit(decimal value)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "first digit is asked only of numbers of at least 1");
        return decimal.Floor(value).ToString(CultureInfo.InvariantCulture)[0] - '0';
    }

    private static string Digit(int digit) => " " + digit.ToString(CultureInfo.InvariantCulture);

    private static readonly CardText Card = new(
        Title: "answering under a redefined symbol",
        WhatItTests: "Each prompt redefines something with a strong usual meaning (the constant π, e or φ gets a new value; a " +
            "number word such as \"seven\" stands for another number; an operator such as ÷ means multiplication) and asks " +
            "for the first digit of an expression that uses it. The two classes are the first digit under the new meaning " +
            "(gold) and under the usual meaning; items where the two agree are redrawn.",
        WhyModelsFail: "The usual meanings of π, number words and arithmetic operators are among the most repeated facts in " +
            "any training corpus. A model whose prior for them outweighs the in-context definition (strong prior, in the " +
            "paper's terms) answers as if nothing had been redefined, and larger models hold those priors more firmly.",
        HowGenerated: "Rows cycle through three kinds. Constants: π, e or φ is given a whole value from 4 to 999 or a " +
            "one-decimal value from 1.0 to 9.9, and the expression is the constant alone, the constant plus 1–40, or 2–9 " +
            "times it. Number words: one of twelve words (two to twelve, twenty) stands for 13–99, and the expression adds " +
            "1–30 or multiplies by 2–9. Operators: one of +, -, ×, ÷ takes another's meaning, on operands chosen so that both " +
            "readings give a positive whole number (divisions are exact). One of three redefinition wordings and three " +
            "question layouts is used per row; the gold class is first in alternating runs of three rows.",
        ControlSet: "`control.jsonl` asks for the first digit of the first 165 distinct expressions of the main set with no " +
            "redefinition, so the usual meaning is gold and the other class is the digit the redefinition would have given. " +
            "A model that fails the control cannot do the arithmetic; one that passes it and fails the main set is holding " +
            "on to the usual meaning.");
}
