using System.Reflection;

namespace InverseScaling.Benchmark.Tests.Gate;

/// <summary>
/// Which family the gate theories score: <c>INVERSE_SCALING_FAMILY</c> in the environment, else the MSBuild property
/// (<c>dotnet test -p:InverseScalingFamily=path/family.json</c>), else the bundled reference family.
/// Relative paths are taken from the repository root.
/// </summary>
internal static class GateFamily
{
    public const string EnvironmentVariable = "INVERSE_SCALING_FAMILY";

    public static string ManifestPath
    {
        get
        {
            var chosen = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : typeof(GateFamily).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .FirstOrDefault(a => a.Key == "InverseScalingFamily")?.Value;
            return string.IsNullOrWhiteSpace(chosen)
                ? TestPaths.ReferenceFamilyManifest
                : Path.GetFullPath(chosen, TestPaths.RepositoryRoot);
        }
    }
}
