using System.Text.Json.Nodes;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// Checked baselines and results (#13.2): a baseline whose interval or standard errors were edited by hand, and a limited
/// result offered to <c>accept</c>, are bad input (exit 2); a run measured on other inputs than its baseline, or limited
/// against a full one, is a verdict of its own that fails the gate (exit 1), never a silent pass.
/// </summary>
public sealed partial class BadInputCatalogTests
{
    private static readonly BadInput[] ProvenanceCases =
    [
        // neqa's loss interval is [-0.0036, +0.0045]; widened to +0.02 it would let a slope 0.015 worse pass.
        Baseline("baseline-interval-widened-by-hand", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["fits"]!["loss"]!["slopeHigh"] = 0.02);
            WriteReferenceExamples(w);
            return new Expected(path, null, "fits.loss.slopeHigh", "slopeHigh 0.02 is not the 0.004509");
        }),
        Baseline("baseline-standard-error-edited-by-hand", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["checkpoints"]![2]!["metrics"]!["loss"]!["standardError"] = 0.03);
            WriteReferenceExamples(w);
            return new Expected(path, null, "checkpoints[2].metrics.loss.standardError", "the standard error 0.03 is not the 0.002736");
        }),
        // Without the per-example file only a bound can be checked: 12.5 × Σ|w|·SE = 0.10 from the slope for neqa's loss.
        Baseline("baseline-interval-beyond-its-standard-errors", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["fits"]!["loss"]!["slopeHigh"] = 0.5);
            return new Expected(path, null, "fits.loss.slopeHigh", "more than the checkpoints' standard errors allow: it was widened by hand");
        }),
        Baseline("baseline-slope-outside-its-interval", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["fits"]!["loss"]!["slope"] = 0.01);
            return new Expected(path, null, "fits.loss.slope", "the slope 0.01 lies outside its interval [-0.003575647174807173, 0.004509131760065246]");
        }),
        new("accept-limited-result", "baseline", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["provenance"]!["limit"] = 40);
            var received = Path.ChangeExtension(Path.ChangeExtension(path, null), null) + BaselineStore.ReceivedSuffix;
            File.Move(path, received);
            return (w.GoodTask, new Expected(received, null, "provenance.limit", "it is the result of a run limited with --limit 40 (320 examples per checkpoint)"));
        })
        {
            CommandLine = (w, _) => ["accept", "--family", BadInputWorkspace.FamilyName, "--task", "good", "--baselines", w.Baselines],
            Afterwards = (w, _) => Assert.False(File.Exists(Path.Combine(w.Baselines, BadInputWorkspace.FamilyName, "good" + BaselineStore.VerifiedSuffix))),
        },
    ];

    /// <summary>A change after the workspace's first result was accepted, and what the gate must say about it.</summary>
    /// <param name="Arrange">Changes one thing; returns the options added to <c>run --gate</c>.</param>
    private sealed record GateCase(string Name, Func<BadInputWorkspace, string[]> Arrange, int ExitCode, string Message);

    private static readonly GateCase[] GateCases =
    [
        new("unchanged-run-passes", _ => [], 0, ""),
        new("provenance-task-data-changed", w =>
        {
            File.WriteAllText(w.GoodTask, BadInputWorkspace.GoodTaskText.Replace("the cat", "the dog", StringComparison.Ordinal));
            return [];
        }, 1, "tiny/good: provenance changed since the baseline: the task data (sha256 "),
        new("provenance-model-changed", w =>
        {
            w.WriteModel(w.OnnxB, new Scoring.TinyOnnxModel(BadInputWorkspace.Embedding().Select(row => row.Select(v => v / 2).ToArray()).ToArray()));
            return [];
        }, 1, "tiny/good: provenance changed since the baseline: the ONNX file of tiny-8k. The baseline measured something else"),
        new("provenance-shots-changed", _ => ["--shots", "1"], 1,
            "tiny/good: provenance changed since the baseline: the scoring options (shots (none) → \"1 (seed "),
        new("limited-run-not-compared", _ => ["--limit", "2"], 1,
            "tiny/good: not compared: limited run (2 of 3 examples); pass --compare-limited to compare anyway, or run without --limit."),
        new("limited-run-compared-when-asked", _ => ["--limit", "2", "--compare-limited"], 0, ""),
    ];

    public static IEnumerable<TheoryDataRow<string>> GateCaseNames() => GateCases.Select(c => new TheoryDataRow<string>(c.Name));

    [Theory]
    [MemberData(nameof(GateCaseNames))]
    public async Task A_run_measured_on_other_inputs_or_limited_gets_its_own_verdict_and_exit_code(string name)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var workspace = BadInputWorkspace.Create();
        var first = await Cli.RunInProcessAsync([.. workspace.RunArguments(workspace.GoodTask), "--gate"], cancellation);
        Assert.True(first.ExitCode == 1 && first.Output.Contains("no baseline yet for tiny/good", StringComparison.Ordinal), first.Output + first.Error);
        var accepted = await Cli.RunInProcessAsync(["accept", "--family", BadInputWorkspace.FamilyName, "--all", "--baselines", workspace.Baselines], cancellation);
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        var verified = File.ReadAllBytes(Path.Combine(workspace.Baselines, BadInputWorkspace.FamilyName, "good" + BaselineStore.VerifiedSuffix));
        var gate = GateCases.Single(c => c.Name == name);

        var options = gate.Arrange(workspace);
        string[] run = ["run", "--family", workspace.Manifest, "--tasks", workspace.GoodTask, "--out", Path.Combine(workspace.Root, "again"),
            "--baselines", workspace.Baselines, "--quiet", "--no-controls", "--gate", .. options];
        var result = await Cli.RunInProcessAsync(run, cancellation);

        TestContext.Current.TestOutputHelper?.WriteLine(result.Output);
        Assert.True(result.ExitCode == gate.ExitCode, $"exit code {result.ExitCode}: {result.Output}{result.Error}");
        Assert.Equal("", result.Error);
        if (gate.ExitCode == 0)
        {
            Assert.DoesNotContain("provenance changed", result.Output);
            Assert.DoesNotContain("not compared", result.Output);
        }
        else
        {
            Assert.Contains("\n" + gate.Message, result.Output);
            // The change is received for accept; the verified baseline stays as it was until then.
            Assert.True(File.Exists(Path.Combine(workspace.Baselines, BadInputWorkspace.FamilyName, "good" + BaselineStore.ReceivedSuffix)));
        }
        Assert.Equal(verified, File.ReadAllBytes(Path.Combine(workspace.Baselines, BadInputWorkspace.FamilyName, "good" + BaselineStore.VerifiedSuffix)));
    }

    [Fact]
    public async Task A_limited_result_is_accepted_only_when_asked()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var workspace = BadInputWorkspace.Create();
        var run = await Cli.RunInProcessAsync([.. workspace.RunArguments(workspace.GoodTask), "--limit", "2"], cancellation);
        Assert.True(run.ExitCode == 0, run.Error);
        string[] accept = ["accept", "--family", BadInputWorkspace.FamilyName, "--all", "--baselines", workspace.Baselines];

        var refused = await Cli.RunInProcessAsync(accept, cancellation);
        var allowed = await Cli.RunInProcessAsync([.. accept, BaselineStore.AllowLimitedOption], cancellation);

        Assert.Equal(2, refused.ExitCode);
        Assert.EndsWith("(provenance.limit): it is the result of a run limited with --limit 2 (2 examples per checkpoint), not of the whole task. " +
            "Fix: run without --limit and accept that result, or pass --allow-limited to make the limited result the baseline", Assert.Single(refused.ErrorLines));
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        var baseline = new BaselineStore(workspace.Baselines).TryReadVerified(BadInputWorkspace.FamilyName, "good")!;
        Assert.Equal((2, 2), (baseline.Provenance.Limit, ProvenanceCheck.Examples(baseline)));
    }

    /// <summary>The committed per-example file of neqa beside <see cref="WriteReferenceBaseline"/>'s summary, moved to this workspace's family and task.</summary>
    private static void WriteReferenceExamples(BadInputWorkspace w)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.Baselines, "reference", "neqa" + PerExampleBaselineFile.VerifiedSuffix))
            .Replace("\nfamily\treference\n", $"\nfamily\t{BadInputWorkspace.FamilyName}\n", StringComparison.Ordinal)
            .Replace("\ntask\tneqa\n", "\ntask\tgood\n", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(w.Baselines, BadInputWorkspace.FamilyName, "good" + PerExampleBaselineFile.VerifiedSuffix), text);
    }
}
