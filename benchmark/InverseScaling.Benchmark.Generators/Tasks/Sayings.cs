using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Generators.Framework;

namespace InverseScaling.Benchmark.Generators.Tasks;

/// <summary>
/// A well-known saying split before its final word, with three substitute final words.
/// <see cref="Stem"/> + <see cref="Ending"/> is the saying; <see cref="EndingWith"/> gives a changed ending.
/// </summary>
/// <param name="Line">1-based line in <c>sayings.txt</c>.</param>
/// <param name="Stem">Everything before the space that precedes the final word.</param>
/// <param name="FinalWord">The final word, without punctuation.</param>
/// <param name="Punctuation">The terminal <c>.</c>, <c>!</c> or <c>?</c>.</param>
public sealed record Saying(int Line, string Text, string Stem, string FinalWord, string Punctuation, IReadOnlyList<string> Substitutes)
{
    /// <summary>The usual ending as a class: leading space, final word, punctuation.</summary>
    public string Ending => EndingWith(FinalWord);

    public string EndingWith(string word) => " " + word + Punctuation;

    /// <summary>The saying with its final word replaced.</summary>
    public string TextWith(string word) => Stem + EndingWith(word);

    /// <summary>
    /// The wrong ending a control row offers: the substitute that neither sayings task puts in the saying
    /// (resisting-correction uses <c>Line % 3</c>, memo-trap <c>(Line + 1) % 3</c>).
    /// </summary>
    public string ControlDistractor => Substitutes[(Line + 2) % 3];
}

/// <summary>Reads <c>sayings.txt</c> and <c>saying-substitutes.tsv</c>, refusing lines the sayings tasks cannot use.</summary>
public static partial class Sayings
{
    public const string SayingsFile = "sayings.txt";
    public const string SubstitutesFile = "saying-substitutes.tsv";

    public static IReadOnlyList<Saying> Load(GeneratorSources sources)
    {
        var substitutes = LoadSubstitutes(Path.Combine(sources.Directory, SubstitutesFile));
        var path = Path.Combine(sources.Directory, SayingsFile);
        var sayings = new List<Saying>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = SayingPattern().Match(lines[i]);
            if (!match.Success)
                throw new BenchmarkInputException(path, $"'{lines[i]}' does not end in a space, a plain word and one of . ! ?",
                    "write one saying per line, ending in a plain alphabetic word immediately followed by its punctuation", line: i + 1);
            var word = match.Groups[2].Value;
            if (!substitutes.TryGetValue(word, out var options))
                throw new BenchmarkInputException(path, $"the final word '{word}' has no substitutes in {SubstitutesFile}",
                    $"add a line '{word}<TAB>three substitutes' to {SubstitutesFile}", line: i + 1);
            sayings.Add(new Saying(i + 1, lines[i], match.Groups[1].Value, word, match.Groups[3].Value, options));
        }
        return sayings;
    }

    private static Dictionary<string, IReadOnlyList<string>> LoadSubstitutes(string path)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#')) continue;
            var match = SubstitutePattern().Match(lines[i]);
            if (!match.Success)
                throw new BenchmarkInputException(path, $"'{lines[i]}' is not a word, a tab and three space-separated words",
                    "write the original word, a tab, then exactly three alphabetic substitutes separated by single spaces", line: i + 1);
            var word = match.Groups[1].Value;
            var options = match.Groups[2].Captures.Select(c => c.Value).ToList();
            if (options.FirstOrDefault(o => char.ToLowerInvariant(o[0]) == char.ToLowerInvariant(word[0])) is { } clash)
                throw new BenchmarkInputException(path, $"the substitute '{clash}' starts with the same letter as '{word}', so the two classes may share their first token",
                    "choose a substitute that starts with a different letter", line: i + 1, field: word);
            if (!map.TryAdd(word, options))
                throw new BenchmarkInputException(path, $"'{word}' is listed twice", "keep one line per original word", line: i + 1, field: word);
        }
        return map;
    }

    /// <summary>
    /// The rows of a task built on the sayings. Task rows: every saying once, in seeded order, with the ending that
    /// <paramref name="substitute"/> gives as gold and the usual ending as the trap. Control rows (seeded from
    /// <paramref name="seed"/> + 1): <paramref name="controlCount"/> sayings with the usual ending as gold and
    /// <see cref="Saying.ControlDistractor"/> as the other class. <paramref name="prompt"/> writes the prompt for a saying
    /// and the final word its text uses or its instruction names. Gold positions are balanced in each set.
    /// </summary>
    public static (List<ClassificationRow> Rows, List<ClassificationRow> Control) TwoWayRows(
        IReadOnlyList<Saying> sayings, ulong seed, int controlCount, Func<Saying, string> substitute, Func<Saying, string, SeededRandom, string> prompt)
    {
        var random = new SeededRandom(seed);
        var rows = GeneratedTaskKit.BalancedTwoWayRows(random.Shuffle(sayings), random,
            s => (prompt(s, substitute(s), random), s.EndingWith(substitute(s)), s.Ending));

        var controlRandom = new SeededRandom(seed + 1);
        var control = GeneratedTaskKit.BalancedTwoWayRows(controlRandom.Shuffle(sayings).Take(controlCount).ToList(), controlRandom,
            s => (prompt(s, s.FinalWord, controlRandom), s.Ending, s.EndingWith(s.ControlDistractor)));
        return (rows, control);
    }

    [GeneratedRegex(@"^(.*\S) ([A-Za-z]+)([.!?])$")]
    private static partial Regex SayingPattern();

    [GeneratedRegex(@"^([A-Za-z]+)\t(?:([A-Za-z]+)(?: |$)){3}$")]
    private static partial Regex SubstitutePattern();
}
