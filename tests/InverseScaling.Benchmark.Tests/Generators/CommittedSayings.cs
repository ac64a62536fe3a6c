namespace InverseScaling.Benchmark.Tests.Generators;

/// <summary><c>sayings.txt</c> read here, apart from the generator, for the sayings tasks' tests.</summary>
internal static class CommittedSayings
{
    /// <summary>Each saying's stem before its last space → its last word and its final punctuation mark.</summary>
    public static IReadOnlyDictionary<string, (string Word, string Punctuation)> ByStem { get; } = File
        .ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "benchmark", "InverseScaling.Benchmark.Generators", "Sources", "sayings.txt"))
        .ToDictionary(line => line[..line.LastIndexOf(' ')], line => (line[(line.LastIndexOf(' ') + 1)..^1], line[^1..]));
}
