using System.Reflection;

namespace InverseScaling.Benchmark.Tests;

/// <summary>Paths inside the checkout the tests were built from.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot") is { Length: > 0 } root
        ? Path.GetFullPath(root)
        : throw new InvalidOperationException("the test assembly was built without RepositoryRoot metadata");

    public static string Tasks => Path.Combine(RepositoryRoot, "tasks");
    public static string Baselines => Path.Combine(RepositoryRoot, "baselines");
    public static string ReferenceFamilyDirectory => Path.Combine(RepositoryRoot, "benchmark", "reference-family");
    public static string ReferenceFamilyManifest => Path.Combine(ReferenceFamilyDirectory, "family.json");

    /// <summary>Test data committed beside the tests.</summary>
    public static string TestData(params string[] parts) =>
        Path.Combine([RepositoryRoot, "tests", "InverseScaling.Benchmark.Tests", "TestData", .. parts]);

    /// <summary>A fresh empty folder under the system temp directory.</summary>
    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "isb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string? Metadata(string key) => typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == key)?.Value;
}
