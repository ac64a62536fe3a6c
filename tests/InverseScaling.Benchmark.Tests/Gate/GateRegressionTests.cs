using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Gate;

namespace InverseScaling.Benchmark.Tests.Gate;

/// <summary>
/// The gate catches a worse checkpoint: the family's largest checkpoint replaced by its smallest one's weights. The changed
/// model file fails the gate by itself (<see cref="GateOutcome.ProvenanceChanged"/>); the comparison beneath names the checkpoint.
/// </summary>
public sealed class GateRegressionTests(GateFixture gate)
{
    [Fact]
    [Trait("Category", "SelfTest")]
    public void A_family_whose_largest_checkpoint_is_replaced_by_a_worse_one_fails_the_affected_tasks()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var family = gate.Family;
        var bySize = family.Checkpoints.OrderBy(c => family.Size(c, gate.Options.SizeMeasure)).ToList();
        var (smallest, largest) = (bySize[0], bySize[^1]);
        var worse = family with
        {
            // Both exports are swapped: the with-past export is what the engine runs, and it reads the weights of the plain file beside it.
            Checkpoints = family.Checkpoints.Select(c => c.Name != largest.Name ? c : c with
            {
                OnnxPath = smallest.OnnxPath,
                OnnxWithPastPath = smallest.OnnxWithPastPath,
                OnnxData = smallest.OnnxData,
                OnnxWithPastData = smallest.OnnxWithPastData,
                Manifest = c.Manifest with { Files = c.Manifest.Files with { Onnx = smallest.Manifest.Files.Onnx, OnnxWithPast = smallest.Manifest.Files.OnnxWithPast } },
            }).ToList(),
        };

        // The tasks this can hurt: where the baseline's largest checkpoint is better than its smallest by more than the
        // checkpoint tolerance, the stand-in (the smallest's weights) is worse than the baseline there.
        var affected = TaskCatalog.Discover(TestPaths.Tasks)
            .Select(task => (Task: task, Baseline: gate.Store.TryReadVerified(family.Name, task.Name)))
            .Where(t => t.Baseline is not null && LargestBeatsSmallest(t.Baseline, smallest.Name, largest.Name))
            .ToList();
        Assert.NotEmpty(affected);

        var store = new BaselineStore(TestPaths.NewTempDirectory());
        foreach (var (task, baseline) in affected)
        {
            File.Copy(gate.Store.VerifiedPath(family.Name, task.Name), Path.Combine(Directory.CreateDirectory(Path.Combine(store.Root, family.Name)).FullName, task.Name + BaselineStore.VerifiedSuffix));
            var result = gate.Evaluate(worse, task, cancellation);

            var verdict = new GateRun(worse, gate.Options, new GateSettings(store)).Check(result).Verdict;

            // Another model file is another measurement: its own verdict, with the comparison that shows the worse checkpoint.
            Assert.Equal((GateOutcome.ProvenanceChanged, GateOutcome.Regressed), (verdict.Outcome, verdict.Compared));
            var metric = task.Definition.PrimaryMetric;
            Assert.StartsWith($"{family.Name}/{task.Name}: provenance changed since the baseline: the ONNX file of {largest.Name}. ", verdict.Message);
            Assert.Contains($"\n{family.Name}/{task.Name}: {metric} regressed against the baseline: ", verdict.Message);
            Assert.Contains($"checkpoint {largest.Name} is worse", verdict.Message);
            Assert.Contains($"  baseline  {Signed(baseline!.PrimaryFit.Slope)} [", verdict.Message);
            Assert.Contains($"  new       {Signed(result.PrimaryFit.Slope)} [", verdict.Message);
            // Outside the checkout's baselines the message names the received file's full path and the tool's accept command.
            Assert.Contains($"(the run writes it to {store.ReceivedPath(family.Name, task.Name)}):", verdict.Message);
            Assert.EndsWith($"\n  dotnet inverse-scaling accept --baselines {store.Root} --family {family.Name} --task {task.Name}", verdict.Message);
            Assert.Contains(largest.Name, verdict.Checkpoints.Where(c => c.Movement == Movement.Worse).Select(c => c.Checkpoint));
            Assert.True(File.Exists(store.ReceivedPath(family.Name, task.Name)));
            Assert.Equal(smallest.Manifest.Files.Onnx.Sha256,
                BaselineStore.ReadFile(store.ReceivedPath(family.Name, task.Name), family.Name, task.Name).Checkpoints.Single(c => c.Name == largest.Name).OnnxSha256);
        }
    }

    private static bool LargestBeatsSmallest(Baseline baseline, string smallest, string largest)
    {
        var metric = baseline.PrimaryMetric;
        var (small, large) = (baseline.Checkpoints.Single(c => c.Name == smallest).Metrics[metric], baseline.Checkpoints.Single(c => c.Name == largest).Metrics[metric]);
        var betterBy = (MetricCatalog.Get(metric).HigherIsBetter ? 1 : -1) * (large.Mean - small.Mean);
        return betterBy > GateTolerances.Default.CheckpointTolerance(large);
    }

    private static string Signed(double value) => (value >= 0 ? "+" : "") + value.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
}
