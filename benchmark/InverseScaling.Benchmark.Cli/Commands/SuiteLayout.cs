namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>Where the suite's folders are: found by walking up from the working directory to the checkout's root.</summary>
internal sealed record SuiteLayout(string Root)
{
    public string Tasks => Path.Combine(Root, "tasks");
    public string Baselines => Path.Combine(Root, "baselines");
    public string ReferenceFamily => Path.Combine(Root, "benchmark", "reference-family", "family.json");

    public static SuiteLayout Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "InverseScaling.Benchmark.sln"))) return new SuiteLayout(dir.FullName);
            }
        }
        return new SuiteLayout(Directory.GetCurrentDirectory());
    }
}
