using System.Reflection;
using InverseScaling.Benchmark.Configuration;

namespace InverseScaling.Benchmark.Gate;

/// <summary>
/// The settings of a gate's test assembly: the <c>INVERSE_SCALING_*</c> environment variables over the MSBuild properties the
/// package's build files compiled into the assembly. Relative paths in the variables resolve against the folder
/// <c>dotnet test</c> ran from (the test process itself runs in the output folder). The results cache stays off unless a
/// setting names a folder.
/// </summary>
/// <param name="Settings">What the gate scores and where it reads and writes.</param>
/// <param name="SummaryPath">Where the gate writes its table of verdicts: <c>TestResults/gate/summary.md</c> under the folder
/// <c>dotnet test</c> ran from; null writes none.</param>
public sealed record GateConfiguration(BenchmarkSettings Settings, string? SummaryPath)
{
    /// <summary>Metadata key of the folder the build was started from.</summary>
    public const string StartupDirectoryKey = "InverseScalingStartupDirectory";

    /// <exception cref="Diagnostics.BenchmarkInputException">A value is malformed, or the assembly was built without the package's build files.</exception>
    public static GateConfiguration Read(Assembly testAssembly)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        var startup = testAssembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .LastOrDefault(a => a.Key == StartupDirectoryKey)?.Value is { Length: > 0 } folder ? folder : Directory.GetCurrentDirectory();
        var settings = BenchmarkSettings.Resolve(new SettingDefaults(), SettingSource.Environment(startup), SettingSource.AssemblyMetadata(testAssembly));
        return new GateConfiguration(settings, Path.Combine(startup, "TestResults", "gate", "summary.md"));
    }
}
