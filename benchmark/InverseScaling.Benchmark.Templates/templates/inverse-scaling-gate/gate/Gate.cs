namespace InverseScalingGate;

/// <summary>One theory per task: <c>dotnet test --filter Category=Gate</c>, or <c>Task=neqa</c>, <c>Cause=strong-prior</c>.</summary>
public sealed class Gate : InverseScaling.Benchmark.Gate.InverseScalingGate
{
}
