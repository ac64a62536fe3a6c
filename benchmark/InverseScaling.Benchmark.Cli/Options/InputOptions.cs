using System.CommandLine;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Commands;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Options;

/// <summary><c>--family</c>: the family's family.json or its folder; the bundled reference family by default.</summary>
internal sealed class FamilyOption(string description)
{
    public const string Name = "--family";

    /// <summary>The error when no family is given outside a checkout of the suite, which alone has a default family.</summary>
    public const string NoDefault = "no family: give --family path/to/family.json (only a checkout of the suite has a default family, the reference one)";

    public Option<string?> Option { get; } = new(Name, "-f") { Description = description };

    /// <summary>The family.json path (or folder) to load; a missing one is an error.</summary>
    public string Bind(ParseResult parse, Workspace layout, OptionErrors errors)
    {
        var value = errors.NotEmpty(Name, parse.GetValue(Option), "give the path of a family.json or of its folder");
        if (value is null)
        {
            if (layout.ReferenceFamily is null) errors.Add(NoDefault);
            return layout.ReferenceFamily ?? "";
        }
        if (!File.Exists(value) && !Directory.Exists(value))
            errors.Add(Name, value, "no such file or folder", "give the path of a family.json or of its folder");
        return value;
    }

    /// <summary>
    /// The family's name: the value itself, or the name inside the family.json it points to (only the manifest is read);
    /// the reference family's by default. A value that is neither a valid name nor a manifest is an error.
    /// </summary>
    public string? BindName(ParseResult parse, Workspace layout, OptionErrors errors)
    {
        var value = errors.NotEmpty(Name, parse.GetValue(Option), "give the family's name or its family.json") ?? layout.ReferenceFamily;
        if (value is null)
        {
            errors.Add("no family: give --family <name> or --family path/to/family.json (only a checkout of the suite has a default family, the reference one)");
            return null;
        }
        var name = value;
        var manifest = Directory.Exists(value) ? Path.Combine(value, FamilyLoader.FileName)
            : value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? value : null;
        if (manifest is not null)
        {
            if (!File.Exists(manifest) && !Directory.Exists(value))
            {
                errors.Add(Name, value, "no such family manifest", "pass the family's name or the path of its family.json");
                return null;
            }
            if (File.Exists(manifest))
            {
                name = errors.Try(() => FamilyLoader.Load(manifest, verifyHashes: false, modelsOf: _ => false).Name);
                if (name is null) return null;
            }
        }
        if (Baseline.IsValidName(name)) return name;
        errors.Add(Name, value, "not a family name, nor a folder or path of a family.json", $"give the family's name ({IO.SafeName.Rule}) or the path of its family.json");
        return null;
    }
}

/// <summary><c>--tasks</c>: task names, task folders or official data files; every task under <c>tasks/</c> by default.</summary>
internal sealed class TasksOption(string description)
{
    public const string Name = "--tasks";

    public Option<string[]> Option { get; } = new(Name, "-t") { Description = description, AllowMultipleArgumentsPerToken = true };

    /// <summary>The tasks, resolved now: a name or file that is not a task is an error.</summary>
    public IReadOnlyList<BenchmarkTask> Bind(ParseResult parse, Workspace layout, OptionErrors errors) =>
        errors.Try(() => parse.GetValue(Option) is { Length: > 0 } names ? TaskCatalog.Resolve(names, layout.Tasks) : TaskCatalog.Discover(layout.Tasks)) ?? [];
}

/// <summary><c>--out</c>: the folder a command writes to.</summary>
internal sealed class OutOption(string description)
{
    public const string Name = "--out";

    public Option<string?> Option { get; } = new(Name, "-o") { Description = description };

    /// <summary>The folder given, or null for the command's default.</summary>
    public string? Bind(ParseResult parse, OptionErrors errors) =>
        errors.NotEmpty(Name, parse.GetValue(Option), "give a folder, or leave --out out for the default");
}

/// <summary><c>--quiet</c>: no progress output.</summary>
internal sealed class QuietOption
{
    public Option<bool> Option { get; } = new("--quiet", "-q") { Description = "No progress output." };

    public bool Bind(ParseResult parse) => parse.GetValue(Option);
}
