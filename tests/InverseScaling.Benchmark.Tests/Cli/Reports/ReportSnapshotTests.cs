using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Reports;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Tests.Snapshots;

namespace InverseScaling.Benchmark.Tests.Cli.Reports;

/// <summary>report.md of the synthetic run (<see cref="SyntheticRun"/>) whose largest checkpoint regressed against its baseline.</summary>
public sealed class ReportSnapshotTests
{
    [Fact]
    public void The_markdown_report_of_a_regressed_run()
    {
        var root = TestPaths.NewTempDirectory();
        SyntheticRun.WriteTask(root);
        var store = new BaselineStore(Path.Combine(root, "baselines"));
        var better = SyntheticRun.Write(root, "better", "fam", SyntheticRun.LargestAllRight);
        store.WriteReceived(FinishedRun.Load(better).ReadGateResult(SyntheticRun.Task)!);
        store.Accept("fam", SyntheticRun.Task);
        var run = SyntheticRun.Write(root, "out", "fam", SyntheticRun.Largest);
        var report = ScalingReport.Build([FinishedRun.Load(run)], store, Path.Combine(root, "tasks"), cancellationToken: TestContext.Current.CancellationToken);

        var files = ReportWriter.Write(report, Path.Combine(root, "report"));

        Snapshot.Verify(Snapshot.Scrub(File.ReadAllText(files.Markdown), (root, "<temp>"), (SuiteInfo.Version, "<version>")), "regressed-run");
    }
}
