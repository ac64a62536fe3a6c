using System.Reflection;

namespace InverseScaling.Benchmark.Gate;

/// <summary>The test assembly whose settings a gate reads: the one that holds the test class.</summary>
internal static class GateAssembly
{
    /// <summary>The assembly of the class the theory runs in (a class deriving from <see cref="InverseScalingGate"/>).</summary>
    public static Assembly Of(MethodInfo testMethod) =>
        testMethod.ReflectedType?.Assembly is { } assembly && assembly != typeof(GateAssembly).Assembly ? assembly : Running();

    /// <summary>The running test assembly: xunit v3 runs each test project as its own program.</summary>
    public static Assembly Running() => Assembly.GetEntryAssembly()
        ?? throw new InvalidOperationException("the gate runs inside an xunit v3 test program, which has an entry assembly");
}
