using System.CommandLine;

namespace InverseScaling.Benchmark.Cli.Options;

/// <summary><c>--verbose</c>, on every verb: an internal error prints its stack trace.</summary>
internal static class VerboseOption
{
    public const string Name = "--verbose";

    public static Option<bool> Create() => new(Name)
    {
        Description = "On an internal error (exit code 3), also print the stack trace.",
        Recursive = true,
    };

    /// <summary>True when the command line has <c>--verbose</c>; false for a command built without it.</summary>
    public static bool IsOn(ParseResult parse) =>
        parse.GetResult(Name) is System.CommandLine.Parsing.OptionResult result && result.GetValueOrDefault<bool>();
}
