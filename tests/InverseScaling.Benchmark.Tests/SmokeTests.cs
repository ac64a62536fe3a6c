namespace InverseScaling.Benchmark.Tests;
public class SmokeTests { [Fact] public void Builds() => Assert.Equal(2, 1 + 1); }
