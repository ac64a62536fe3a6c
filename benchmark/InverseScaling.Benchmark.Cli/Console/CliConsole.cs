using System.CommandLine;
using Spectre.Console;

namespace InverseScaling.Benchmark.Cli.Console;

/// <summary>
/// The invocation's writers: everything a command prints goes to <see cref="Output"/> or <see cref="Error"/>, Spectre's
/// tables and progress bars through <see cref="Ansi"/>, an <see cref="IAnsiConsole"/> over <see cref="Output"/>. Only the
/// process's own terminal gets colours and live bars; any other writer (a file, a pipe, a test's StringWriter) gets plain
/// text at a width of at least 200 columns, so that tables are not squeezed to 80.
/// </summary>
internal sealed class CliConsole
{
    private CliConsole(TextWriter output, TextWriter error, IAnsiConsole ansi, bool isTerminal)
    {
        Output = output;
        Error = error;
        Ansi = ansi;
        IsTerminal = isTerminal;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Ansi { get; }

    /// <summary>True when <see cref="Output"/> is the process's terminal.</summary>
    public bool IsTerminal { get; }

    public static CliConsole For(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var configuration = parse.InvocationConfiguration;
        var output = configuration.Output;
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) ansi.Profile.Width = Math.Max(ansi.Profile.Width, 200);
        return new CliConsole(output, configuration.Error, ansi, terminal);
    }
}
