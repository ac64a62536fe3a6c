using InverseScaling.Benchmark.Fuzz;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// The fuzzer's rule on a few thousand seeded inputs (350 per reader, seed 2026): every mutated task file, task card,
/// family manifest, tokenizer file and baseline is read to the end or refused with one well-formed input error. The full
/// run (<c>tests/InverseScaling.Benchmark.Fuzz</c>, 100,000 inputs) and what it found are in docs/reliability.md.
/// </summary>
public sealed class FuzzTests
{
    private const int InputsPerTarget = 350;
    private const ulong Seed = 2026;

    public static IEnumerable<TheoryDataRow<string>> Targets() =>
        FuzzTargets.All(TestPaths.RepositoryRoot).Select(t => new TheoryDataRow<string>(t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_are_read_or_refused_with_one_clear_error(string name)
    {
        var target = FuzzTargets.All(TestPaths.RepositoryRoot).Single(t => t.Name == name);

        var report = FuzzRunner.Run(target, InputsPerTarget, Seed, TestPaths.NewTempDirectory(), cancellationToken: TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.Empty(report.Findings.Select(f => $"input #{f.Index}: {f.Problem}"));
        Assert.Equal(InputsPerTarget, report.Passed + report.InputErrors);
        // The seeds and mutations reach past the first check: some inputs are read, most are refused.
        Assert.InRange(report.Passed, 1, InputsPerTarget - 1);
    }

    [Fact]
    public void The_rule_tells_a_crash_and_an_overlong_message_from_an_input_error()
    {
        // The oracle itself: a crash and a message that echoes too much are findings, a plain input error is not.
        var crash = new FuzzTarget("crash", "x.txt", [[1]], _ => { }, _ => throw new InvalidOperationException("boom"));
        var refused = new FuzzTarget("refused", "x.txt", [[1]], _ => { }, p => throw new Diagnostics.BenchmarkInputException(p, "bad", "fix it"));
        var echoing = new FuzzTarget("echoing", "x.txt", [[1]], _ => { }, p => throw new Diagnostics.BenchmarkInputException(p, new string('x', 3000), "fix it"));
        var work = TestPaths.NewTempDirectory();
        var token = TestContext.Current.CancellationToken;

        Assert.Equal("InvalidOperationException: boom", FuzzRunner.Run(crash, 1, 1, work, cancellationToken: token).Findings.Single().Problem.Split(" at ")[0]);
        Assert.Empty(FuzzRunner.Run(refused, 3, 1, work, cancellationToken: token).Findings);
        Assert.Equal(3, FuzzRunner.Run(refused, 3, 1, work, cancellationToken: token).InputErrors);
        Assert.StartsWith("input error of 3,", FuzzRunner.Run(echoing, 1, 1, work, cancellationToken: token).Findings.Single().Problem);
    }
}
