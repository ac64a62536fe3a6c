using System.Globalization;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// sig-figs: round a number to N significant figures; the distractor class rounds it to N decimal places instead.
/// Control: the same kind of item asking for N decimal places, where the familiar reading is the right one.
/// </summary>
public sealed class SigFigsGenerator : ITaskGenerator
{
    private const int Seed = 4127;
    private const int RowCount = 320;
    private const int ControlCount = 160;

    public string Name => "sig-figs";

    /// <summary>{0} the number, {1} N, {2} "figure"/"figures" or "place"/"places" after the unit word.</summary>
    private static readonly string[] Templates =
    [
        "Round {0} so that it keeps exactly {1} significant {2}.\nRounded:",
        "Write {0} rounded to {1} significant {2}.\nResult:",
        "Task: express the number {0} to {1} significant {2}.\nAnswer:",
    ];

    private static readonly string[] ControlTemplates =
    [
        "Round {0} so that it keeps exactly {1} decimal {2}.\nRounded:",
        "Write {0} rounded to {1} decimal {2}.\nResult:",
        "Task: express the number {0} to {1} decimal {2}.\nAnswer:",
    ];

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var random = new SeededRandom(Seed);
        var rows = Build(random, RowCount, Templates, significant: true, new HashSet<string>());
        var control = Build(random, ControlCount, ControlTemplates, significant: false, rows.Select(r => r.Prompt).ToHashSet());
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(Name, 0, InverseScalingCauses.DistractorTask,
            "Round to the requested number of significant figures, not to that many decimal places.", rows, Seed);
        return new GeneratedTask(definition, rows, control, GeneratedTaskKit.Card(definition, Card, rows, control));
    }

    private static List<ClassificationRow> Build(SeededRandom random, int count, string[] templates, bool significant, HashSet<string> taken)
    {
        var rows = new List<ClassificationRow>(count);
        while (rows.Count < count)
        {
            // Rows alternate in pairs between numbers below 0.1 (the significant-figure answer is the longer class)
            // and numbers of 1 or more (it is the shorter one), so length alone does not reveal the gold class.
            var small = rows.Count / 2 % 2 == 0;
            var leading = small ? random.Next(-4, -1) : random.Next(0, 5);
            var figures = small ? random.Next(-leading, 6) : random.Next(1, 5);
            // Enough decimals that both roundings drop digits: more than N, and more than N significant digits.
            var decimals = Math.Max(figures, figures - 1 - leading) + random.Next(1, 4);
            var digits = leading + 1 + decimals;
            if (digits <= figures || digits > 9) continue;

            var mantissa = random.Next(1, 10).ToString(CultureInfo.InvariantCulture);
            for (var i = 1; i < digits - 1; i++) mantissa += random.Next(10).ToString(CultureInfo.InvariantCulture);
            mantissa += random.Next(1, 10).ToString(CultureInfo.InvariantCulture); // no trailing zero: every digit written counts
            var value = decimal.Parse(mantissa, CultureInfo.InvariantCulture) * Pow10(-decimals);
            if (IsTie(value, figures - 1 - leading) || IsTie(value, figures)) continue;

            var bySignificance = RoundSignificant(value, figures, leading);
            var byPlaces = RoundPlaces(value, figures);
            var placesValue = decimal.Parse(byPlaces, CultureInfo.InvariantCulture);
            if (placesValue == 0 || placesValue == decimal.Parse(bySignificance, CultureInfo.InvariantCulture)) continue;

            var unit = significant ? (figures == 1 ? "figure" : "figures") : (figures == 1 ? "place" : "places");
            var number = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var prompt = string.Format(CultureInfo.InvariantCulture, random.Pick(templates), number, figures, unit);
            if (!taken.Add(prompt)) continue;

            var (gold, other) = significant ? (bySignificance, byPlaces) : (byPlaces, bySignificance);
            rows.Add(GeneratedTaskKit.PlaceGold(prompt, " " + gold, [" " + other], goldIndex: rows.Count % 2));
        }
        return rows;
    }

    /// <summary>Rounds half away from zero to <paramref name="figures"/> significant figures of a number whose leading digit is at 10^<paramref name="leading"/>.</summary>
    internal static string RoundSignificant(decimal value, int figures, int leading)
    {
        // 9.996 to 3 figures carries into the next power of ten: 10.0, not 10.00.
        if (RoundAt(value, figures - 1 - leading) >= Pow10(leading + 1)) leading++;
        var places = Math.Max(0, figures - 1 - leading);
        return RoundAt(value, figures - 1 - leading).ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Rounds half away from zero to a multiple of 10^-<paramref name="places"/>; negative places round left of the point.</summary>
    private static decimal RoundAt(decimal value, int places)
    {
        if (places >= 0) return Math.Round(value, places, MidpointRounding.AwayFromZero);
        var unit = Pow10(-places);
        return Math.Round(value / unit, 0, MidpointRounding.AwayFromZero) * unit;
    }

    internal static string RoundPlaces(decimal value, int places) =>
        Math.Round(value, places, MidpointRounding.AwayFromZero).ToString("F" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Whether the digits after 10^-<paramref name="places"/> are exactly one half, where rounding conventions disagree.</summary>
    private static bool IsTie(decimal value, int places)
    {
        var scaled = value * Pow10(places);
        return scaled - decimal.Floor(scaled) == 0.5m;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++) result = exponent > 0 ? result * 10m : result / 10m;
        return result;
    }

    private static readonly CardText Card = new(
        Title: "rounding to significant figures",
        WhatItTests: "Each prompt asks for a number rounded to N significant figures. The two classes are the correct " +
            "significant-figure rounding and the same number rounded to N decimal places; the two always differ in value, not only as strings. " +
            "Numbers range from ten-thousandths to tens of thousands and N from 1 to 5, so the two readings diverge in both directions " +
            "(0.0047182 to 3 figures is 0.00472, to 3 places 0.005; 48213.672 to 2 figures is 48000, to 2 places 48213.67).",
        WhyModelsFail: "Rounding to N decimal places is far more common in text than rounding to N significant figures. " +
            "A model that latches onto the easier, familiar task (a distractor task, in the paper's terms) answers with the " +
            "decimal-place rounding, and larger models can do that easier task more reliably.",
        HowGenerated: "Each number is drawn digit by digit. Rows alternate in pairs between numbers whose leading digit sits at " +
            "10^-4 to 10^-2 (N from the leading zeros' count to 5; the significant-figure answer is the longer class) and numbers " +
            "from 1 to 99,999 (N from 1 to 4; it is the shorter class), so length does not give the answer away. Each number " +
            "carries one to three digits more than either rounding keeps. Items whose rounding would hit an exact half (where conventions differ), whose " +
            "decimal-place rounding is zero, or whose two roundings are equal in value (4 against 4.0) are redrawn. Rounding is half away from zero on " +
            "System.Decimal; significant-figure results keep trailing zeros after the point (0.00470) and integers are written " +
            "in full (48000). Three instruction wordings are used, and the gold class is placed first in every other row.",
        ControlSet: "`control.jsonl` asks for N decimal places with the same wordings and number ranges. The two classes are " +
            "the same pair of roundings, but the gold class is now the decimal-place rounding, so the familiar reading is right. " +
            "A model that fails the control cannot round at all; one that passes it and fails the main set is following the distractor.");
}
