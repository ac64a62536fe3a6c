using System.Diagnostics;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Fuzz;

/// <summary>What one target's inputs came to.</summary>
/// <param name="Findings">Inputs that ended in anything but a result or a well-formed input error, with what they threw.</param>
public sealed record FuzzReport(string Target, int Inputs, int Passed, int InputErrors, IReadOnlyList<FuzzFinding> Findings, TimeSpan Elapsed, TimeSpan Slowest)
{
    public override string ToString() =>
        $"{Target,-17} {Inputs,8:N0} inputs  {Passed,7:N0} read  {InputErrors,7:N0} input errors  {Findings.Count,3} findings  " +
        $"{Elapsed.TotalSeconds,7:F1} s  slowest {Slowest.TotalMilliseconds:F0} ms";
}

/// <summary>An input that broke the rule, kept as a file to replay.</summary>
public sealed record FuzzFinding(string Target, ulong Seed, int Index, string Problem, string? SavedAs);

/// <summary>
/// Runs mutated inputs through a <see cref="FuzzTarget"/>. The rule: each input is read to the end, or refused with one
/// <see cref="BenchmarkInputException"/> whose message is one line of bounded length with a fix. Any other exception, or a
/// message that breaks that shape, is a finding.
/// </summary>
public static class FuzzRunner
{
    /// <summary>The longest error message a hostile input may produce: excerpts are short, so messages are too.</summary>
    public const int MaxMessageLength = 2_000;

    /// <param name="workRoot">A folder for the target's work files; each target gets its own folder under it.</param>
    /// <param name="findings">Where to save inputs that broke the rule; null keeps none.</param>
    public static FuzzReport Run(FuzzTarget target, int inputs, ulong seed, string workRoot, string? findings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var folder = Directory.CreateDirectory(Path.Combine(workRoot, target.Name, "fuzztask")).FullName;
        target.Prepare(folder);
        var path = Path.Combine(folder, target.FileName);
        var mutator = new Mutator(target.Seeds, seed);
        int passed = 0, refused = 0;
        var found = new List<FuzzFinding>();
        var slowest = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < inputs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var input = mutator.Next();
            File.WriteAllBytes(path, input);
            var started = Stopwatch.GetTimestamp();
            var problem = Check(target, path);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest) slowest = elapsed;
            switch (problem)
            {
                case null: passed++; break;
                case "": refused++; break;
                default:
                    string? saved = null;
                    if (findings is not null)
                    {
                        Directory.CreateDirectory(Path.Combine(findings, target.Name));
                        saved = Path.Combine(findings, target.Name, $"{seed}-{i}-{FileHash.Sha256(input)[..12]}{Path.GetExtension(target.FileName)}");
                        File.WriteAllBytes(saved, input);
                    }
                    found.Add(new FuzzFinding(target.Name, seed, i, problem, saved));
                    break;
            }
        }
        return new FuzzReport(target.Name, inputs, passed, refused, found, total.Elapsed, slowest);
    }

    /// <summary>null: read; "": refused with a well-formed input error; otherwise what went wrong.</summary>
    public static string? Check(FuzzTarget target, string path)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            target.Read(path);
            return null;
        }
        catch (BenchmarkInputException e)
        {
            var message = e.Message;
            if (message.Contains('\n') || message.Contains('\r')) return $"input error on more than one line: {TextExcerpt.Escape(message, 300)}";
            if (message.Length > MaxMessageLength) return $"input error of {message.Length:N0} characters: {TextExcerpt.Escape(message, 300)}";
            if (!message.Contains(". Fix: ", StringComparison.Ordinal)) return $"input error without a fix: {TextExcerpt.Escape(message, 300)}";
            return "";
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {TextExcerpt.Escape(e.Message, 200)} at {TextExcerpt.Escape(e.StackTrace?.Split('\n').FirstOrDefault()?.Trim(), 200)}";
        }
    }
}
