using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>Accepting received results: the one step after a deliberate change.</summary>
public sealed partial class BaselineStore
{
    /// <summary>
    /// Makes the received result the verified baseline and removes the received files; returns the verified path. The summary
    /// and the per-example file are accepted each when received, so a run that only adds per-example values to an unchanged
    /// baseline leaves <c>.verified.json</c> as it was.
    /// </summary>
    /// <param name="allowLimited">Accept the result of a run limited with <c>--limit</c>, which is refused otherwise.</param>
    /// <exception cref="BenchmarkInputException">There is no received file, one cannot be read as a baseline of this family and
    /// task, or it is the result of a limited run and <paramref name="allowLimited"/> is false.</exception>
    public string Accept(string family, string task, bool allowLimited = false)
    {
        var received = ReceivedPath(family, task);
        var receivedExamples = ReceivedExamplesPath(family, task);
        var (summary, examples) = (File.Exists(received), File.Exists(receivedExamples));
        if (!summary && !examples)
            throw new BenchmarkInputException(received, $"there is no received result for {family}/{task} to accept",
                "run the benchmark first (dotnet test); a run writes the received file when its result differs from the baseline or there is no baseline");
        if (summary) RequireFull(ReadFile(received, family, task), received, allowLimited);
        if (examples) PerExampleBaselineFile.Read(receivedExamples, family, task);
        if (!summary && !File.Exists(VerifiedPath(family, task)))
            throw new BenchmarkInputException(receivedExamples, $"there is a received per-example file for {family}/{task} but no baseline summary beside it",
                "run the benchmark again, then accept both files it writes");
        var verified = VerifiedPath(family, task);
        if (summary) File.Move(received, verified, overwrite: true);
        if (examples) File.Move(receivedExamples, VerifiedExamplesPath(family, task), overwrite: true);
        return verified;
    }

    /// <summary>
    /// Accepts every received result (of one family, when given), in ordinal order; returns what was accepted. A limited
    /// result among them is refused before any is accepted, unless <paramref name="allowLimited"/>.
    /// </summary>
    public IReadOnlyList<BaselineKey> AcceptAll(string? family = null, bool allowLimited = false)
    {
        var pending = ListReceived(family);
        foreach (var key in pending) RequireAcceptable(key.Family, key.Task, allowLimited);
        foreach (var key in pending) Accept(key.Family, key.Task, allowLimited);
        return pending;
    }

    /// <summary>Refuses, as <see cref="Accept"/> would, a received summary that is unreadable or (unless <paramref name="allowLimited"/>) limited; moves nothing.</summary>
    /// <exception cref="BenchmarkInputException">The received summary is unreadable, or limited.</exception>
    public void RequireAcceptable(string family, string task, bool allowLimited = false)
    {
        var received = ReceivedPath(family, task);
        if (File.Exists(received)) RequireFull(ReadFile(received, family, task), received, allowLimited);
    }

    /// <summary>The option of <c>accept</c> that takes a limited result as the baseline.</summary>
    public const string AllowLimitedOption = "--allow-limited";

    private static void RequireFull(Baseline result, string path, bool allowLimited)
    {
        if (allowLimited || result.Provenance.Limit is not { } limit) return;
        throw new BenchmarkInputException(path,
            $"it is the result of a run limited with --limit {limit} ({ProvenanceCheck.Examples(result)} examples per checkpoint), not of the whole task",
            $"run without --limit and accept that result, or pass {AllowLimitedOption} to make the limited result the baseline",
            field: "provenance.limit");
    }
}
