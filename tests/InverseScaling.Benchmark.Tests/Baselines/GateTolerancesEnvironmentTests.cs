using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Tests.Baselines;

public sealed class GateTolerancesEnvironmentTests
{
    [Fact]
    public void Unset_variables_keep_the_defaults()
    {
        var tolerances = GateTolerances.FromEnvironment(_ => null);

        Assert.Equal(0.01, tolerances.MinimumSlope);
        Assert.Equal(2.0, tolerances.CheckpointStandardErrors);
    }

    [Fact]
    public void Variables_override_the_slope_and_checkpoint_tolerances()
    {
        var values = new Dictionary<string, string> { [GateTolerances.SlopeVariable] = "0.05", [GateTolerances.CheckpointVariable] = "3" };

        var tolerances = GateTolerances.FromEnvironment(values.GetValueOrDefault);

        Assert.Equal(0.05, tolerances.MinimumSlope);
        // 3 standard errors of 0.1 = 0.3
        Assert.Equal(0.3, tolerances.CheckpointTolerance(new MetricValue(1.0, 0.1, 100)), 12);
    }

    [Fact]
    public void A_bad_value_names_the_variable_and_the_fix()
    {
        var error = Assert.Throws<BenchmarkInputException>(() =>
            GateTolerances.FromEnvironment(name => name == GateTolerances.SlopeVariable ? "-1" : null));

        Assert.Equal("environment (INVERSE_SCALING_SLOPE_TOLERANCE): INVERSE_SCALING_SLOPE_TOLERANCE is \"-1\", not a number zero or more. " +
            "Fix: set INVERSE_SCALING_SLOPE_TOLERANCE to a plain number such as 0.02, or unset it for the default", error.Message);
    }
}
