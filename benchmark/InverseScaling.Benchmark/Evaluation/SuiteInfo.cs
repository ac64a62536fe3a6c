using System.Reflection;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>The suite's own version, recorded in results and baselines.</summary>
internal static class SuiteInfo
{
    public static string Version { get; } =
        typeof(SuiteInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(SuiteInfo).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
