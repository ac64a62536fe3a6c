using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Tests.Snapshots;
using static InverseScaling.Benchmark.Tests.Baselines.BaselineSamples;

namespace InverseScaling.Benchmark.Tests.Baselines;

/// <summary>The gate's messages as a reader sees them, one snapshot per outcome (see <see cref="Snapshot"/>).</summary>
public sealed class GateMessageSnapshotTests
{
    [Fact]
    public void A_regression_names_the_slope_the_checkpoints_what_changed_and_the_accept_command()
    {
        // The largest checkpoint drops from 0.69 to 0.62 (3.0 of its tolerances) and the slope from −0.06 to −0.07, beyond 0.015.
        var regressed = Accuracy([0.81, 0.75, 0.62], -0.07, -0.085, -0.055, suiteVersion: "0.2.0");

        var verdict = BaselineGate.Compare(Stored(), regressed);

        Assert.Equal(GateOutcome.Regressed, verdict.Outcome);
        Snapshot.Verify(verdict.Message, "regressed");
    }

    [Fact]
    public void A_family_that_changed_shape_lists_the_checkpoints_on_each_side()
    {
        var reshaped = Accuracy([0.81, 0.75, 0.69], -0.06, -0.075, -0.045, names: ["tiny", "small", "large"]);

        var verdict = BaselineGate.Compare(Stored(), reshaped);

        Assert.Equal(GateOutcome.Regressed, verdict.Outcome);
        Snapshot.Verify(verdict.Message, "changed-shape");
    }

    [Fact]
    public void An_improvement_passes_and_says_how_to_keep_it()
    {
        var improved = Accuracy([0.81, 0.80, 0.79], -0.01, -0.025, 0.005);

        var verdict = BaselineGate.Compare(Stored(), improved);

        Assert.Equal(GateOutcome.Improved, verdict.Outcome);
        Snapshot.Verify(verdict.Message, "improved");
    }
}
