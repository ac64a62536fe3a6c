namespace InverseScaling.Benchmark;
internal static class Placeholder { }
