namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>The committed source files generators read (word lists, sayings, lexical relations), by file name.</summary>
public sealed class GeneratorSources(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>Non-empty lines of a source file, excluding lines starting with '#'.</summary>
    public IReadOnlyList<string> Lines(string fileName) =>
        File.ReadAllLines(Path.Combine(Directory, fileName))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();

    /// <summary>Tab-separated rows of a source file, excluding comment lines.</summary>
    public IReadOnlyList<string[]> Rows(string fileName) => Lines(fileName).Select(line => line.Split('\t')).ToList();

    /// <summary>The Sources folder beside the generator project, found by walking up from <paramref name="start"/>.</summary>
    public static GeneratorSources Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "benchmark", "InverseScaling.Benchmark.Generators", "Sources");
            if (System.IO.Directory.Exists(candidate)) return new GeneratorSources(candidate);
        }
        throw new DirectoryNotFoundException($"no benchmark/InverseScaling.Benchmark.Generators/Sources above {start}");
    }
}
