using System.CommandLine;
using InverseScaling.Benchmark.Caching;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>--cache DIR</c> and <c>--no-cache</c>, shared by the commands that score.</summary>
internal sealed class CacheOptions
{
    public Option<string?> Folder { get; } = new("--cache")
    {
        Description = $"Folder of the results cache (scores by checkpoint, tokenizer, token ids, scorer and suite version). Default: {ResultCache.DefaultFolderName}/ at the checkout's root.",
    };

    public Option<bool> Off { get; } = new("--no-cache") { Description = "Neither read nor write the results cache." };

    public void AddTo(Command command)
    {
        command.Options.Add(Folder);
        command.Options.Add(Off);
    }

    /// <summary>The cache to use, or null with <c>--no-cache</c>.</summary>
    public ResultCache? Resolve(ParseResult parse, SuiteLayout layout) =>
        parse.GetValue(Off) ? null : new ResultCache(parse.GetValue(Folder) ?? Path.Combine(layout.Root, ResultCache.DefaultFolderName));
}
