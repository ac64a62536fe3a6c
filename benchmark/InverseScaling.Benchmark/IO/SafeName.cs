using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.IO;

/// <summary>
/// The one rule for names the suite puts into output paths and logs (families, checkpoints, tasks): letters, digits,
/// '.', '_' and '-', starting with a letter or digit, at most <see cref="MaxLength"/> characters. Such a name cannot
/// leave its folder, hide a line break in a log, or collide with a file name the suite adds a suffix to.
/// </summary>
public static partial class SafeName
{
    /// <summary>The longest name accepted; with the longest suffix the suite adds (<c>.control.unit.json</c>) a file name stays far below 255 bytes.</summary>
    public const int MaxLength = 100;

    /// <summary>The rule, as error messages state it.</summary>
    public const string Rule = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters";

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    /// <summary>Returns <paramref name="name"/> when it follows the rule.</summary>
    /// <param name="what">What the name names, for the message ("checkpoint").</param>
    /// <exception cref="BenchmarkInputException">The name is empty or breaks the rule; the message shows an escaped excerpt of it.</exception>
    public static string Require(string? name, string what, string file, string? field = null, int? line = null)
    {
        if (IsValid(name)) return name!;
        var problem = string.IsNullOrEmpty(name)
            ? $"the {what} has no name"
            : $"{what} name {TextExcerpt.Quote(name)} is not a valid name";
        throw new BenchmarkInputException(file, problem, $"name the {what} with {Rule}", line, field);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
