using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using static InverseScaling.Benchmark.Tests.Baselines.BaselineSamples;

namespace InverseScaling.Benchmark.Tests.Baselines;

public sealed class BaselineGateTests
{
    private const string Accept = "dotnet run --project benchmark/InverseScaling.Benchmark.Cli -- accept --family reference --task modus-tollens";

    private const string AcceptTail =
        "Accept this result as the new baseline (the run writes it to baselines/reference/modus-tollens.received.json):\n  " + Accept;

    private const string SlopeHeader = "Slope of accuracy per decade of non-embedding-parameters (higher is better):\n";
    private const string TableHeader =
        "accuracy per checkpoint (tolerance 2 × the baseline's standard error, at least 1E-06):\n" +
        "  checkpoint  baseline     new   change  tolerance\n";

    private readonly BaselineStore _store = new(TestPaths.NewTempDirectory());

    [Fact]
    public void The_accept_command_is_the_CLI_verb_for_the_family_and_task()
    {
        Assert.Equal(Accept, BaselineStore.AcceptCommand("reference", "modus-tollens"));
    }

    [Fact]
    public void Passes_within_tolerance_and_notes_what_changed_since_the_baseline()
    {
        // medium +0.01 (tolerance 0.046); slope +0.005 (tolerance 0.015).
        var current = Accuracy([0.81, 0.75, 0.70], -0.055, -0.07, -0.04, suiteVersion: "0.2.0");

        var verdict = BaselineGate.Compare(Stored(), current);

        Assert.Equal(GateOutcome.Pass, verdict.Outcome);
        Assert.True(verdict.Passed);
        Assert.False(verdict.WritesReceived);
        Assert.Equal(
            "reference/modus-tollens: accuracy matches the baseline within tolerance.\n" +
            SlopeHeader +
            "  baseline  -0.0600 [-0.0750, -0.0450] inverse\n" +
            "  new       -0.0550 [-0.0700, -0.0400] inverse\n" +
            "  change    +0.0050 within (tolerance 0.0150, the larger of 0.01 and the baseline interval's half-width 0.0150)\n" +
            TableHeader +
            "  tiny          0.8100  0.8100  +0.0000     0.0400\n" +
            "  small         0.7500  0.7500  +0.0000     0.0420\n" +
            "  medium        0.6900  0.7000  +0.0100     0.0460\n" +
            "Changed since the baseline: suite version 0.1.0 → 0.2.0.",
            verdict.Message);
    }

    [Fact]
    public void Fails_when_the_slope_is_worse_beyond_tolerance()
    {
        // Each checkpoint moves 0.02 at most (within 0.040–0.046), but the slope falls by 0.02 (tolerance 0.015).
        var current = Accuracy([0.83, 0.75, 0.67], -0.08, -0.095, -0.065);

        var verdict = BaselineGate.Compare(Stored(), current);

        Assert.Equal(GateOutcome.Regressed, verdict.Outcome);
        Assert.False(verdict.Passed);
        Assert.Equal(Movement.Worse, verdict.Slope!.Movement);
        Assert.Equal(-0.02, verdict.Slope.Change, 1e-12);
        Assert.Equal(0.015, verdict.Slope.Tolerance, 1e-12);
        Assert.All(verdict.Checkpoints, c => Assert.Equal(Movement.Within, c.Movement));
        Assert.Equal(
            "reference/modus-tollens: accuracy regressed against the baseline: the slope is worse.\n" +
            SlopeHeader +
            "  baseline  -0.0600 [-0.0750, -0.0450] inverse\n" +
            "  new       -0.0800 [-0.0950, -0.0650] inverse\n" +
            "  change    -0.0200 worse (tolerance 0.0150, the larger of 0.01 and the baseline interval's half-width 0.0150)\n" +
            TableHeader +
            "  tiny          0.8100  0.8300  +0.0200     0.0400\n" +
            "  small         0.7500  0.7500  +0.0000     0.0420\n" +
            "  medium        0.6900  0.6700  -0.0200     0.0460\n" +
            AcceptTail,
            verdict.Message);
    }

    [Fact]
    public void Fails_when_one_checkpoint_is_worse_beyond_its_tolerance()
    {
        // medium −0.07 against 2 × 0.023 = 0.046; the slope moves −0.01, within 0.015.
        var current = Accuracy([0.81, 0.75, 0.62], -0.07, -0.085, -0.055);

        var verdict = BaselineGate.Compare(Stored(), current);

        Assert.Equal(GateOutcome.Regressed, verdict.Outcome);
        Assert.Equal(Movement.Within, verdict.Slope!.Movement);
        Assert.Equal([Movement.Within, Movement.Within, Movement.Worse], verdict.Checkpoints.Select(c => c.Movement));
        Assert.Equal(-0.07, verdict.Checkpoints[2].Change!.Value, 1e-12);
        Assert.Equal(0.046, verdict.Checkpoints[2].Tolerance!.Value, 1e-12);
        Assert.Equal(
            "reference/modus-tollens: accuracy regressed against the baseline: checkpoint medium is worse.\n" +
            SlopeHeader +
            "  baseline  -0.0600 [-0.0750, -0.0450] inverse\n" +
            "  new       -0.0700 [-0.0850, -0.0550] inverse\n" +
            "  change    -0.0100 within (tolerance 0.0150, the larger of 0.01 and the baseline interval's half-width 0.0150)\n" +
            TableHeader +
            "  tiny          0.8100  0.8100  +0.0000     0.0400\n" +
            "  small         0.7500  0.7500  +0.0000     0.0420\n" +
            "  medium        0.6900  0.6200  -0.0700     0.0460  worse\n" +
            AcceptTail,
            verdict.Message);
    }

    [Fact]
    public void Reports_an_improvement_that_passes_with_a_notice()
    {
        var current = Accuracy([0.81, 0.77, 0.75], -0.03, -0.045, -0.015);

        var verdict = BaselineGate.Compare(Stored(), current);

        Assert.Equal(GateOutcome.Improved, verdict.Outcome);
        Assert.True(verdict.Passed);
        Assert.True(verdict.WritesReceived);
        Assert.Equal(
            "reference/modus-tollens: accuracy improved on the baseline: the slope is better; checkpoint medium is better. " +
            "The run passes; accept the result to keep the gain.\n" +
            SlopeHeader +
            "  baseline  -0.0600 [-0.0750, -0.0450] inverse\n" +
            "  new       -0.0300 [-0.0450, -0.0150] inverse\n" +
            "  change    +0.0300 better (tolerance 0.0150, the larger of 0.01 and the baseline interval's half-width 0.0150)\n" +
            TableHeader +
            "  tiny          0.8100  0.8100  +0.0000     0.0400\n" +
            "  small         0.7500  0.7700  +0.0200     0.0420\n" +
            "  medium        0.6900  0.7500  +0.0600     0.0460  better\n" +
            AcceptTail,
            verdict.Message);
    }

    [Fact]
    public void A_checkpoint_in_only_one_run_is_a_changed_family_shape()
    {
        var current = Accuracy([0.81, 0.75, 0.65], -0.06, -0.075, -0.045,
            names: ["tiny", "small", "large"], sizes: [1e6, 1e7, 1e9]);

        var verdict = BaselineGate.Compare(Stored(), current);

        Assert.Equal(GateOutcome.Regressed, verdict.Outcome);
        Assert.Equal(
            "reference/modus-tollens: accuracy regressed against the baseline: " +
            "the family changed shape (only in the baseline: medium; only in this run: large).\n" +
            SlopeHeader +
            "  baseline  -0.0600 [-0.0750, -0.0450] inverse\n" +
            "  new       -0.0600 [-0.0750, -0.0450] inverse\n" +
            "  change    +0.0000 within (tolerance 0.0150, the larger of 0.01 and the baseline interval's half-width 0.0150)\n" +
            TableHeader +
            "  tiny          0.8100  0.8100  +0.0000     0.0400\n" +
            "  small         0.7500  0.7500  +0.0000     0.0420\n" +
            "  medium        0.6900       -        -          -  only in the baseline\n" +
            "  large              -  0.6500        -          -  only in this run\n" +
            AcceptTail,
            verdict.Message);
    }

    [Fact]
    public void A_rising_loss_is_worse_and_a_falling_loss_better()
    {
        static Baseline Loss(double tiny, double medium, double slope) => Baseline.Create(FamilyName, TaskName, MetricNames.Loss,
            SizeMeasure.NonEmbeddingParameters,
            [
                new CheckpointMetrics("tiny", 1e6, new Dictionary<string, MetricValue> { [MetricNames.Loss] = new(tiny, 0.01, 400) }),
                new CheckpointMetrics("medium", 1e8, new Dictionary<string, MetricValue> { [MetricNames.Loss] = new(medium, 0.01, 400) }),
            ],
            new Dictionary<string, string> { ["tiny"] = "a", ["medium"] = "b" },
            [new ScalingFit(MetricNames.Loss, slope, 1, slope - 0.01, slope + 0.01, 1, 2, Trend.Flat, null)],
            Provenance());

        var stored = Loss(0.5, 0.6, 0.05);
        var worse = BaselineGate.Compare(stored, Loss(0.5, 0.7, 0.10));
        var better = BaselineGate.Compare(stored, Loss(0.5, 0.5, 0.00));

        Assert.Equal(GateOutcome.Regressed, worse.Outcome);
        Assert.Equal([Movement.Within, Movement.Worse], worse.Checkpoints.Select(c => c.Movement));
        Assert.Equal(Movement.Worse, worse.Slope!.Movement);
        Assert.Equal(GateOutcome.Improved, better.Outcome);
        Assert.Equal([Movement.Within, Movement.Better], better.Checkpoints.Select(c => c.Movement));
        Assert.Equal(Movement.Better, better.Slope!.Movement);
        Assert.StartsWith("reference/modus-tollens: loss regressed against the baseline: the slope is worse; checkpoint medium is worse.\n" +
            "Slope of loss per decade of non-embedding-parameters (lower is better):\n", worse.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tolerances_default_to_the_documented_values_and_can_be_overridden()
    {
        var defaults = GateTolerances.Default;
        var narrow = new BaselineFit(0, 0, -0.004, 0.004, 1, 3, Trend.Flat, null);
        var wide = new BaselineFit(0, 0, -0.03, 0.01, 1, 3, Trend.Flat, null);

        Assert.Equal(0.01, defaults.MinimumSlope);
        Assert.True(defaults.WidenSlopeToInterval);
        Assert.Equal(2, defaults.CheckpointStandardErrors);
        Assert.Equal(1e-6, defaults.MinimumCheckpoint);
        Assert.Equal(0.01, defaults.SlopeTolerance(narrow));
        Assert.Equal(0.02, defaults.SlopeTolerance(wide), 1e-15);
        Assert.Equal(0.05, defaults.CheckpointTolerance(new MetricValue(0.5, 0.025, 400)));
        Assert.Equal(1e-6, defaults.CheckpointTolerance(new MetricValue(0.5, 0, 400)));

        // The slope fell by 0.02: a regression by default (tolerance 0.015), a pass with a fixed tolerance of 0.03.
        var loose = new GateTolerances { MinimumSlope = 0.03, WidenSlopeToInterval = false };
        var current = Accuracy([0.83, 0.75, 0.67], -0.08, -0.095, -0.065);
        var verdict = BaselineGate.Compare(Stored(), current, loose);

        Assert.Equal(GateOutcome.Pass, verdict.Outcome);
        Assert.Contains("  change    -0.0200 within (tolerance 0.0300)\n", verdict.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => BaselineGate.Compare(Stored(), current, loose with { MinimumCheckpoint = -1 }));
        Assert.StartsWith("MinimumCheckpoint must be a finite number, zero or more", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_baseline_the_run_fails_and_writes_the_received_file()
    {
        var current = Stored();

        var verdict = GateRun.Check(new GateSettings(_store), current);

        Assert.Equal(GateOutcome.NoBaseline, verdict.Outcome);
        Assert.False(verdict.Passed);
        // A baselines folder outside the checkout: the message names the received file's full path and the tool's command.
        Assert.Equal(
            $"no baseline yet for reference/modus-tollens. This run's result is written to {_store.ReceivedPath(FamilyName, TaskName)}; " +
            $"check it, then accept it as the baseline:\n  dotnet inverse-scaling accept --baselines {_store.Root} --family reference --task modus-tollens",
            verdict.Message);
        Assert.Equal(BaselineStore.Serialize(current), File.ReadAllText(_store.ReceivedPath(FamilyName, TaskName)));
        Assert.False(File.Exists(_store.VerifiedPath(FamilyName, TaskName)));
    }

    [Fact]
    public void Accepting_a_regression_replaces_the_verified_file_and_removes_the_received_one()
    {
        var stored = Stored();
        var regressed = Accuracy([0.81, 0.75, 0.62], -0.07, -0.085, -0.055);
        GateRun.Check(new GateSettings(_store), stored);
        _store.Accept(FamilyName, TaskName);

        var failed = GateRun.Check(new GateSettings(_store), regressed);
        Assert.Equal(GateOutcome.Regressed, failed.Outcome);
        Assert.Equal(BaselineStore.Serialize(stored), File.ReadAllText(_store.VerifiedPath(FamilyName, TaskName)));
        Assert.Equal(BaselineStore.Serialize(regressed), File.ReadAllText(_store.ReceivedPath(FamilyName, TaskName)));

        var verified = _store.Accept(FamilyName, TaskName);
        Assert.Equal(_store.VerifiedPath(FamilyName, TaskName), verified);
        Assert.Equal(BaselineStore.Serialize(regressed), File.ReadAllText(verified));
        Assert.False(File.Exists(_store.ReceivedPath(FamilyName, TaskName)));

        var again = GateRun.Check(new GateSettings(_store), regressed);
        Assert.Equal(GateOutcome.Pass, again.Outcome);
        Assert.False(File.Exists(_store.ReceivedPath(FamilyName, TaskName)));
    }

    [Fact]
    public void A_pass_removes_a_stale_received_file()
    {
        GateRun.Check(new GateSettings(_store), Stored());
        _store.Accept(FamilyName, TaskName);
        GateRun.Check(new GateSettings(_store), Accuracy([0.81, 0.75, 0.62], -0.07, -0.085, -0.055));
        Assert.True(File.Exists(_store.ReceivedPath(FamilyName, TaskName)));

        var verdict = GateRun.Check(new GateSettings(_store), Stored());

        Assert.Equal(GateOutcome.Pass, verdict.Outcome);
        Assert.False(File.Exists(_store.ReceivedPath(FamilyName, TaskName)));
    }

    [Fact]
    public void Accept_all_accepts_every_received_file_in_order()
    {
        var other = Stored() with { Family = "pythia" };
        _store.WriteReceived(other);
        _store.WriteReceived(Stored());

        var accepted = _store.AcceptAll();

        Assert.Equal([new BaselineKey("pythia", TaskName), new BaselineKey(FamilyName, TaskName)], accepted);
        Assert.Equal(BaselineStore.Serialize(other), File.ReadAllText(_store.VerifiedPath("pythia", TaskName)));
        Assert.Equal(BaselineStore.Serialize(Stored()), File.ReadAllText(_store.VerifiedPath(FamilyName, TaskName)));
        Assert.Empty(_store.ListReceived());
    }

    [Fact]
    public void Accepting_without_a_received_file_says_how_to_get_one()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => _store.Accept(FamilyName, TaskName));

        Assert.Equal(
            $"{_store.ReceivedPath(FamilyName, TaskName)}: there is no received result for reference/modus-tollens to accept. " +
            "Fix: run the benchmark first (dotnet test); a run writes the received file when its result differs from the baseline or there is no baseline",
            error.Message);
    }
}
