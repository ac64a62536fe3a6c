using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Reports;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Cli.Reports;

public sealed class ScalingReportTests
{
    private readonly string _root = TestPaths.NewTempDirectory();

    private ScalingReport Build(params string[] folders) =>
        ScalingReport.Build(folders.Select(FinishedRun.Load).ToList(), new BaselineStore(Path.Combine(_root, "baselines")), Path.Combine(_root, "tasks"),
        cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public void Flips_are_the_examples_right_on_the_smallest_checkpoint_and_wrong_on_the_largest_sharpest_first()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest);

        var flips = Assert.Single(Build(run).Flips);

        Assert.Equal(("a", "c", 2, 4), (flips.Smallest, flips.Largest, flips.Count, flips.Compared));
        Assert.Null(flips.Note);
        // Example 0: P(gold) = 1/(1+e^-2.4) = 0.91683 on a, 1/(1+e^1.8) = 0.14185 on c, a loss rise of 1.866;
        // example 1: 1/(1+e^-1.1) = 0.75026 → 1/(1+e^0.4) = 0.40131, a rise of 0.626. Example 2 is wrong on a, 3 right on c.
        Assert.Equal([0, 1], flips.Shown.Select(f => f.Index));
        var (first, second) = (flips.Shown[0], flips.Shown[1]);
        Assert.Equal(0.91683, first.GoldSmallest, 5);
        Assert.Equal(0.14185, first.GoldLargest, 5);
        Assert.Equal(0.75026, second.GoldSmallest, 5);
        Assert.Equal(0.40131, second.GoldLargest, 5);
        Assert.Equal((0, 1), (first.PredictedSmallest, first.PredictedLargest));
        Assert.Equal((1, 0), (second.PredictedSmallest, second.PredictedLargest));
        Assert.Equal(SyntheticRun.Prompts[0], first.Example!.Prompt);
        Assert.Equal([" A", " B"], first.Example.Classes);
        Assert.Equal(1, second.Example!.AnswerIndex);
    }

    [Fact]
    public void A_task_file_changed_since_the_run_keeps_the_flips_but_not_their_prompts_and_says_why()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest);
        File.AppendAllText(SyntheticRun.DataPath(_root), "{\"prompt\":\"Q: fifth?\\nA:\",\"classes\":[\" A\",\" B\"],\"answer_index\":0}\n");

        var flips = Assert.Single(Build(run).Flips);

        Assert.Equal([0, 1], flips.Shown.Select(f => f.Index));
        Assert.All(flips.Shown, f => Assert.Null(f.Example));
        Assert.Equal("flippy_classification.jsonl changed since the run, so its prompts are not shown", flips.Note);
    }

    [Fact]
    public void Verdicts_compare_each_runs_gate_result_with_the_verified_baseline()
    {
        SyntheticRun.WriteTask(_root);
        var store = new BaselineStore(Path.Combine(_root, "baselines"));
        var better = SyntheticRun.Write(_root, "better", "fam", SyntheticRun.LargestAllRight);
        var regressed = SyntheticRun.Write(_root, "worse", "fam", SyntheticRun.Largest);
        var unbaselined = SyntheticRun.Write(_root, "other", "newfam", SyntheticRun.Largest);
        var unchecked_ = SyntheticRun.Write(_root, "nogate", "fam", SyntheticRun.Largest, gate: false);
        store.WriteReceived(FinishedRun.Load(better).ReadGateResult(SyntheticRun.Task)!);
        store.Accept("fam", SyntheticRun.Task);

        var report = Build(better, regressed, unbaselined, unchecked_);

        Assert.Equal(
            [("fam (better)", GateOutcome.Pass), ("fam (worse)", GateOutcome.Regressed), ("newfam", GateOutcome.NoBaseline), ("fam (nogate)", (GateOutcome?)null)],
            report.Rows.Select(r => (r.Label, r.Verdict?.Outcome)));
        Assert.StartsWith("fam/flippy: loss regressed against the baseline: the slope is worse; checkpoint c is worse.", report.Rows[1].Verdict!.Message);
        // Loss rises from a to c on every run but the better one; the run without a gate result is not counted.
        Assert.Equal(
            "3 of 4 task results scale inversely; the gate fails on 2 of 3 (1 regressed, 1 without a baseline).",
            ReportWriter.Headline(report));
        Assert.Equal(
            [
                ("fam/flippy: loss regressed against the baseline: the slope is worse; checkpoint c is worse.", null),
                ("newfam/flippy: no verified baseline yet; once this result is right, accept it:",
                    $"dotnet inverse-scaling accept --baselines {store.Root} --family newfam --task flippy"),
            ],
            ReportWriter.Failures(report));
    }

    [Fact]
    public void Runs_fitted_against_different_size_measures_cannot_share_a_plot()
    {
        SyntheticRun.WriteTask(_root);
        var parameters = SyntheticRun.Write(_root, "p", "fam", SyntheticRun.Largest);
        var flops = SyntheticRun.Write(_root, "f", "fam", SyntheticRun.Largest, sizeMeasure: SizeMeasures.TrainingFlopsName);

        var error = Assert.Throws<BenchmarkInputException>(() => Build(parameters, flops));

        Assert.Equal(
            $"{Path.Combine(flops, "summary.json")} (settings.sizeMeasure): its size measure is training-flops, the first run's is non-embedding-parameters; " +
            "one plot cannot put both on its x axis. Fix: report runs made with the same --size-measure together",
            error.Message);
    }

    [Fact]
    public void A_folder_without_summary_json_is_not_a_run()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => FinishedRun.Load(_root));

        Assert.Equal(
            $"{Path.Combine(_root, "summary.json")}: the folder has no summary.json. Fix: give the output folder of a finished run (its --out); a run writes summary.json when it ends",
            error.Message);
    }

    [Fact]
    public void A_torn_example_line_names_its_file_and_line()
    {
        SyntheticRun.WriteTask(_root);
        var run = SyntheticRun.Write(_root, "out", "fam", SyntheticRun.Largest);
        var path = Path.Combine(run, "examples", "flippy", "c.jsonl");
        File.AppendAllText(path, "{\"index\":4,\"loss\":");

        var error = Assert.Throws<BenchmarkInputException>(() => FinishedRun.Load(run).ReadExamples("flippy", "c", control: false, TestContext.Current.CancellationToken));

        Assert.Equal(path, error.File);
        Assert.Equal(5, error.Line);
        Assert.EndsWith("Fix: run the benchmark again to rewrite the folder", error.Message);
    }
}
