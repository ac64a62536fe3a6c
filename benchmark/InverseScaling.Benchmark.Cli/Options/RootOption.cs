using System.CommandLine;
using InverseScaling.Benchmark.Configuration;

namespace InverseScaling.Benchmark.Cli.Options;

/// <summary><c>--root</c>: the folder outputs, baselines and the results cache go under (<see cref="Workspace"/>).</summary>
internal sealed class RootOption
{
    public const string Name = "--root";

    public Option<string?> Option { get; } = new(Name)
    {
        Description = "Folder that out/ and baselines/ go under. Default: the current directory (inside a checkout of the suite, its root).",
    };

    public Workspace Bind(ParseResult parse, OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var value = errors.NotEmpty(Name, parse.GetValue(Option), "give a folder, or leave --root out for the current directory");
        if (value is not null && !Directory.Exists(value))
        {
            errors.Add(Name, value, "no such folder", "give an existing folder, or leave --root out for the current directory");
            value = null;
        }
        return Workspace.Find(value);
    }
}
