using System.Runtime.CompilerServices;

namespace InverseScaling.Benchmark.Tests;

/// <summary>Settings of the test process, inherited by the command lines it starts.</summary>
internal static class TestEnvironment
{
    /// <summary>
    /// Commands run by tests (in-process or as children) never read or write the checkout's results cache, so that no
    /// test passes on scores another build left there; cache tests give their own folder.
    /// </summary>
    [ModuleInitializer]
    internal static void TurnOffTheSharedResultsCache() => Environment.SetEnvironmentVariable("INVERSE_SCALING_CACHE", "off");

    /// <summary>Commands run by tests sign their cache and resume files with a key of the tests' own, never the user's.</summary>
    [ModuleInitializer]
    internal static void UseTheTestsSigningKey() =>
        Environment.SetEnvironmentVariable("INVERSE_SCALING_KEY", Path.Combine(Path.GetTempPath(), "isb-tests", "signing.key"));
}
