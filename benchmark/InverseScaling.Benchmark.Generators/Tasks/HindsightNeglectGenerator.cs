using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// hindsight-neglect: ten demonstrations of bets judged by expected value, in each of which the outcome happens to agree
/// with the expected value; the query's outcome disagrees with it. Control: the query's outcome agrees too.
/// </summary>
public sealed class HindsightNeglectGenerator : ITaskGenerator
{
    private const int Seed = 8893;
    private const int RowCount = 320;
    private const int ControlCount = 160;
    internal const int Shots = 10;

    public string Name => "hindsight-neglect";

    internal static readonly string[] Games =
    [
        "dice game", "coin-toss bet", "raffle", "prize-wheel spin", "card draw", "darts wager", "marble game",
        "scratch card", "rowing-race bet", "pinball challenge", "bowling wager", "quiz-show gamble", "ring-toss stall",
        "chess-match bet", "cup-and-ball game", "penalty-kick wager",
    ];

    internal static readonly string[] Names =
    [
        "Nadia", "Bruno", "Hiroshi", "Ayesha", "Colm", "Valentina", "Kofi", "Ingrid", "Rafael", "Sunita", "Tobias",
        "Lena", "Omar", "Freya", "Jun", "Maribel", "Anton", "Chiara", "Dev", "Solveig", "Karim", "Elodie", "Wen",
        "Patrice", "Nnamdi", "Greta", "Ivo", "Ramona", "Sipho", "Agnes", "Luca", "Hana", "Bjorn", "Yara", "Matteo", "Esi",
    ];

    /// <summary>The question closing every bet of a prompt; {0} is the player's name.</summary>
    internal static readonly string[] Questions =
    [
        "Was playing a good decision? Y or N",
        "Did {0} decide well by playing? Y or N",
        "Was it wise of {0} to play? Y or N",
    ];

    /// <summary>One offered bet and how it came out.</summary>
    internal sealed record Bet(string Player, string Game, int WinPercent, int Win, int Loss, bool Won)
    {
        /// <summary>Expected value in hundredths of a dollar.</summary>
        public int ExpectedCents => WinPercent * Win - (100 - WinPercent) * Loss;

        public bool Favourable => ExpectedCents > 0;
    }

    public GeneratedTask Generate(GeneratorSources sources)
    {
        var random = new SeededRandom(Seed);
        var rows = Build(random, RowCount, outcomeMatchesQuery: false);
        var control = Build(random, ControlCount, outcomeMatchesQuery: true);
        GeneratedTaskKit.EnsureQuality(Name, rows, control);

        var definition = GeneratedTaskKit.ClassificationDefinition(Name, Shots, InverseScalingCauses.SpuriousFewShot,
            "Judge a bet by its expected value at the time it was taken, not by how it happened to turn out.", rows, Seed);
        return new GeneratedTask(definition, rows, control, GeneratedTaskKit.Card(definition, Card, rows, control));
    }

    private static List<ClassificationRow> Build(SeededRandom random, int count, bool outcomeMatchesQuery)
    {
        var rows = new List<ClassificationRow>(count);
        while (rows.Count < count)
        {
            var question = random.Pick(Questions);
            var players = random.Shuffle(Names).Take(Shots + 1).ToList();
            var prompt = new StringBuilder();
            // Demonstrations: five favourable and five unfavourable bets in random order, each outcome agreeing with its value.
            var favourable = random.Shuffle(Enumerable.Range(0, Shots).Select(i => i < Shots / 2)).ToList();
            for (var i = 0; i < Shots; i++)
            {
                var bet = DrawBet(random, players[i], favourable[i], agree: true);
                prompt.Append(Describe(bet, question)).Append(' ').Append(bet.Favourable ? "Y" : "N").Append("\n\n");
            }
            var queryFavourable = rows.Count % 2 == 0;
            var query = DrawBet(random, players[Shots], queryFavourable, agree: outcomeMatchesQuery);
            prompt.Append(Describe(query, question));
            rows.Add(new ClassificationRow(prompt.ToString(), [" Y", " N"], query.Favourable ? 0 : 1));
        }
        return rows;
    }

    /// <summary>
    /// A bet whose expected value is clearly of the wanted sign (the larger side at least 1.5 times the smaller), with an
    /// outcome that agrees with it (a favourable bet won, an unfavourable one lost) or not.
    /// </summary>
    private static Bet DrawBet(SeededRandom random, string player, bool favourable, bool agree)
    {
        while (true)
        {
            var percent = 5 * random.Next(1, 20);
            var win = RoundAmount(random.Next(5, 3001));
            var loss = RoundAmount(random.Next(5, 3001));
            var gain = percent * win;
            var cost = (100 - percent) * loss;
            if (favourable ? gain < 1.5 * cost : cost < 1.5 * gain) continue;
            return new Bet(player, random.Pick(Games), percent, win, loss, Won: favourable == agree);
        }
    }

    /// <summary>Amounts people quote: to the nearest 5 below 100, 10 below 1,000, 50 above.</summary>
    private static int RoundAmount(int amount) => amount < 100 ? Math.Max(5, amount / 5 * 5) : amount < 1000 ? amount / 10 * 10 : amount / 50 * 50;

    internal static string Describe(Bet bet, string question)
    {
        var lose = 100 - bet.WinPercent;
        var outcome = bet.Won ? $"wins ${bet.Win}" : $"loses ${bet.Loss}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{bet.Player} is offered {GeneratedTaskKit.Article(bet.Game)} {bet.Game}: {Article(bet.WinPercent)} {bet.WinPercent}% chance to win ${bet.Win} " +
            $"and {Article(lose)} {lose}% chance to lose ${bet.Loss}. {bet.Player} plays and {outcome}. " +
            $"{string.Format(CultureInfo.InvariantCulture, question, bet.Player)}\nAnswer:");
    }

    /// <summary>"an" before numbers read with a leading vowel (8, 11, 18, 80–89).</summary>
    private static string Article(int percent) => percent is 8 or 11 or 18 || percent / 10 == 8 ? "an" : "a";

    private static readonly CardText Card = new(
        Title: "judging bets by their expected value, not their outcome",
        WhatItTests: "Each prompt holds ten short demonstrations and a query. Each describes a bet (a win chance and amount, a " +
            "loss chance and amount), says how it turned out, and asks whether playing was a good decision; the answer is " +
            "`\" Y\"` exactly when the bet's expected value is positive. In every demonstration the outcome agrees with the " +
            "expected value (favourable bets are won, unfavourable ones lost). In the query it does not: a favourable bet was " +
            "lost (gold `\" Y\"`) or an unfavourable one won (gold `\" N\"`).",
        WhyModelsFail: "The demonstrations are all correct, but they are equally well explained by the wrong rule \"answer Y " +
            "when the player won\". A model that picks up that spurious regularity from the few-shot examples (spurious " +
            "few-shot, in the paper's terms) answers by the outcome; larger models follow in-context patterns more closely.",
        HowGenerated: $"Each bet draws a win chance in steps of 5% (5–95%), win and loss amounts of $5–$3,000 rounded as people " +
            "quote them, and is redrawn until its expected value is clearly positive or clearly negative (one side of " +
            "chance × amount at least 1.5 times the other). The ten demonstrations are five favourable and five unfavourable " +
            $"bets in random order; the eleven players are distinct, drawn from {Names.Length} first names, and each bet names " +
            $"one of {Games.Length} games. One of {Questions.Length} question wordings is used throughout a prompt. Queries " +
            "alternate between favourable (gold `\" Y\"`) and unfavourable (gold `\" N\"`) bets; classes are always " +
            "`[\" Y\", \" N\"]`.",
        ControlSet: "`control.jsonl` is built the same way, but the query's outcome agrees with its expected value, as in the " +
            "demonstrations (a favourable bet won, an unfavourable one lost). Both the expected value and the outcome rule give " +
            "the gold answer there, so a model that fails the control has not learned the format at all.");
}
