using System.CommandLine;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Cli.Options;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// <c>--cache DIR</c> and <c>--no-cache</c>, shared by the commands that score. Without either, the environment variable
/// <c>INVERSE_SCALING_CACHE</c> names the folder (or <c>off</c>); without it, <c>.isb-cache/</c> under the root (<c>--root</c>, or the current directory).
/// </summary>
internal sealed class CacheOptions
{
    public const string EnvironmentVariable = "INVERSE_SCALING_CACHE";

    public Option<string?> Folder { get; } = new("--cache")
    {
        Description = $"Folder of the results cache (scores by checkpoint, tokenizer, token ids, scorer and suite version). Default: {ResultCache.DefaultFolderName}/ under the root.",
    };

    public Option<bool> Off { get; } = new("--no-cache") { Description = "Neither read nor write the results cache." };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Folder);
        command.Options.Add(Off);
    }

    /// <summary>The cache to use, or null when it is off; an empty <c>--cache</c> is an error.</summary>
    public ResultCache? Bind(ParseResult parse, Workspace layout, OptionErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.NotEmpty(Folder.Name, parse.GetValue(Folder), "give a folder, or --no-cache to turn the cache off") is null && parse.GetValue(Folder) is not null) return null;
        return Resolve(parse, layout);
    }

    /// <summary>The cache to use, or null when it is off.</summary>
    public ResultCache? Resolve(ParseResult parse, Workspace layout)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(layout);
        if (parse.GetValue(Off)) return null;
        if (parse.GetValue(Folder) is { } folder) return new ResultCache(folder);
        return Environment.GetEnvironmentVariable(EnvironmentVariable) switch
        {
            "off" => null,
            { Length: > 0 } fromEnvironment => new ResultCache(fromEnvironment),
            _ => new ResultCache(layout.Cache),
        };
    }
}
