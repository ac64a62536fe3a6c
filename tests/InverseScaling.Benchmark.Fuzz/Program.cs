using System.Diagnostics;
using System.Globalization;
using InverseScaling.Benchmark.Fuzz;

// inverse-scaling-fuzz [--count N] [--seed S] [--target NAME] [--findings DIR]   mutation fuzzing, N inputs in all
// inverse-scaling-fuzz --afl NAME                                                one input per run under afl-fuzz (SharpFuzz)
// inverse-scaling-fuzz --seeds DIR --target NAME                                 writes the target's seed files (afl-fuzz -i DIR)
var options = Options.Parse(args);
var root = Options.FindRoot();
var targets = FuzzTargets.All(root).Where(t => options.Target is null || t.Name == options.Target).ToList();
if (targets.Count == 0)
{
    Console.Error.WriteLine($"error: no target named {options.Target}. Fix: use one of {string.Join(", ", FuzzTargets.All(root).Select(t => t.Name))}");
    return 2;
}

if (options.Seeds is { } seedFolder)
{
    foreach (var target in targets)
    {
        Directory.CreateDirectory(seedFolder);
        for (var i = 0; i < target.Seeds.Count; i++) File.WriteAllBytes(Path.Combine(seedFolder, $"{target.Name}-{i:D3}{Path.GetExtension(target.FileName)}"), target.Seeds[i]);
    }
    return 0;
}

var work = Path.Combine(Path.GetTempPath(), "isb-fuzz", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
if (options.Afl is { } aflTarget)
{
    // Under afl-fuzz with the library instrumented by `sharpfuzz`: each input arrives on stdin, a finding is an exception.
    var target = targets.Single(t => t.Name == aflTarget);
    var folder = Directory.CreateDirectory(Path.Combine(work, target.Name, "fuzztask")).FullName;
    target.Prepare(folder);
    var path = Path.Combine(folder, target.FileName);
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using (var file = File.Create(path)) stream.CopyTo(file);
        if (FuzzRunner.Check(target, path) is { Length: > 0 } problem) throw new InvalidOperationException(problem);
    });
    return 0;
}

var perTarget = (options.Count + targets.Count - 1) / targets.Count;
Console.WriteLine($"{perTarget * targets.Count:N0} mutated inputs, {perTarget:N0} per target, seed {options.Seed}");
var clock = Stopwatch.StartNew();
var findings = 0;
foreach (var target in targets)
{
    var report = FuzzRunner.Run(target, perTarget, options.Seed, work, options.Findings);
    Console.WriteLine(report);
    foreach (var finding in report.Findings.Take(5)) Console.WriteLine($"  finding #{finding.Index}: {finding.Problem}{(finding.SavedAs is { } s ? $" ({s})" : "")}");
    findings += report.Findings.Count;
}
Directory.Delete(work, recursive: true);
Console.WriteLine($"{findings} findings in {clock.Elapsed.TotalSeconds:F0} s");
return findings == 0 ? 0 : 1;

/// <summary>The command line of the fuzzer.</summary>
internal sealed record Options(int Count, ulong Seed, string? Target, string? Findings, string? Afl, string? Seeds = null)
{
    public static Options Parse(string[] args)
    {
        var options = new Options(100_000, 13, null, "fuzz-findings", null);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--count" => options with { Count = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--target" => options with { Target = args[i + 1] },
                "--findings" => options with { Findings = args[i + 1] },
                "--afl" => options with { Afl = args[i + 1], Target = args[i + 1] },
                "--seeds" => options with { Seeds = args[i + 1] },
                var other => throw new ArgumentException($"unknown option {other}"),
            };
        }
        return options;
    }

    /// <summary>The checkout: the first folder up from here or from the program that holds the solution.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "InverseScaling.Benchmark.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("run inside the checkout (no InverseScaling.Benchmark.sln found above)");
    }
}
