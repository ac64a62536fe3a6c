using System.CommandLine;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Cli.Options;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// <c>--cache DIR</c> and <c>--no-cache</c>, shared by the commands that score. Without either, the environment variable
/// <c>INVERSE_SCALING_CACHE</c> names the folder (or <c>off</c>); without it, the user's own folder outside any checkout
/// (<see cref="UserFolders.Cache"/>). A folder inside the checkout is used only when named.
/// </summary>
internal sealed class CacheOptions
{
    public const string EnvironmentVariable = "INVERSE_SCALING_CACHE";

    public Option<string?> Folder { get; } = new("--cache")
    {
        Description = "Folder of the results cache (scores by model files, tokenizer, token ids, scorer, suite build, ONNX Runtime and device). Default: $INVERSE_SCALING_CACHE, else $XDG_CACHE_HOME/inverse-scaling, else ~/.cache/inverse-scaling.",
    };

    public Option<bool> Off { get; } = new("--no-cache") { Description = "Neither read nor write the results cache." };

    public Option<bool> Trust { get; } = new("--trust-cache")
    {
        Description = "Also read cache files sealed with a plain sha256 rather than signed with your key (a cache of an older suite, or one you were given). Default: such files are ignored and scored again.",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Folder);
        command.Options.Add(Off);
        command.Options.Add(Trust);
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
        var folder = parse.GetValue(Folder) ?? Environment.GetEnvironmentVariable(EnvironmentVariable) switch
        {
            "off" => null,
            { Length: > 0 } fromEnvironment => fromEnvironment,
            _ => layout.Cache,
        };
        return folder is null ? null : new ResultCache(folder) { TrustUnsigned = parse.GetValue(Trust) };
    }

    /// <summary>The line that tells of files a run did not read because the user's key did not sign them; null when there were none.</summary>
    public static string? IgnoredLine(ResultCache? cache, long units)
    {
        var segments = cache?.Ignored ?? 0;
        if (segments == 0 && units == 0) return null;
        var parts = new List<string>();
        if (segments > 0) parts.Add($"{segments} cache segment{(segments == 1 ? "" : "s")} ignored (not written by this user; scored again, or give --trust-cache for unsigned ones)");
        if (units > 0) parts.Add($"{units} saved unit{(units == 1 ? "" : "s")} in --out ignored (not written by this user; scored again)");
        return "Note: " + string.Join("; ", parts) + ".";
    }
}
