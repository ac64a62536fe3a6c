using System.CommandLine;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Cli.Console;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Sharding;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>run</c>: the main job. Scores tasks on every checkpoint of a family, fits, compares with baselines, writes results.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var family = new FamilyOption("The family's family.json (or its folder). Default: the bundled reference family.");
        var tasks = new TasksOption("Task names (folders under tasks/), task folders, or official .jsonl/.csv files. Default: every task under tasks/.");
        var output = new OutOption("Output folder for summary.json and per-example scores. Default: out/<family> under the root.");
        var scoring = new ScoringOptions();
        var gate = new GateOptions("run");
        var finish = new FinishOptions();
        var quiet = new QuietOption();
        var shard = new ShardOption();
        var cache = new CacheOptions();
        var root = new RootOption();

        var command = new Command("run", "Score tasks on every checkpoint of a family, fit the scaling slopes and compare them with the baselines.");
        foreach (var option in new Option[] { family.Option, tasks.Option, output.Option, root.Option })
            command.Options.Add(option);
        foreach (var option in scoring.Scoring.Concat(gate.All).Append(finish.Gate).Append(quiet.Option).Append(finish.Report).Append(scoring.Device).Append(shard.Option))
            command.Options.Add(option);
        cache.AddTo(command);
        // The work runs on the thread pool so that System.CommandLine has its Ctrl+C/SIGTERM handler in place while it runs:
        // the signal cancels the token, scoring stops at the next batch, and every file already written stays whole.
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var errors = new OptionErrors();
            var layout = root.Bind(parse, errors);
            var familyPath = family.Bind(parse, layout, errors);
            var selected = tasks.Bind(parse, layout, errors);
            var outDirectory = output.Bind(parse, errors);
            var options = scoring.Bind(parse, errors) with { Cache = cache.Bind(parse, layout, errors) };
            var settings = gate.Bind(parse, layout, errors);
            var (gating, report) = finish.Bind(parse);
            var slice = shard.Bind(parse, errors);
            if (slice is not null && (gating || report))
                errors.Add("a shard neither gates nor reports: give --gate and --report to merge, which combines the shards");
            errors.ThrowIfAny();

            var console = CliConsole.For(parse);
            if (slice is { } spec) return RunShard(spec, familyPath, selected, options, outDirectory, layout, quiet.Bind(parse), console, cancellationToken);

            var loaded = FamilyLoader.Load(familyPath, cancellationToken: cancellationToken);
            var folder = new RunFolder(outDirectory ?? layout.Output(loaded.Name));
            using var writer = folder.Lock();
            var gateRun = new GateRun(loaded, options, settings, folder) { Tasks = selected };
            gateRun.Prepare(selected.Select(t => t.Name));
            var run = RunProgress.Create(quiet.Bind(parse), console)
                .Run(o => FamilyEvaluator.Evaluate(loaded, selected, options, o, folder.Units, cancellationToken));
            if (CacheOptions.IgnoredLine(options.Cache, folder.Units.Ignored) is { } ignored) console.Output.WriteLine(ignored);
            return RunFinish.Complete(gateRun.Complete(run), gateRun, gating, report, layout, console, cancellationToken);
        }), cancellationToken));
        return command;
    }

    /// <summary>
    /// <c>run --shard k/n</c>: works out the slice from family.json alone, loads the models of the slice's checkpoints only,
    /// scores the slice's units into the output folder and writes shard.json; fitting and the gate wait for merge.
    /// </summary>
    private static int RunShard(ShardSpec shard, string familyPath, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options,
        string? output, Workspace layout, bool quiet, CliConsole console, CancellationToken cancellationToken)
    {
        var manifestOnly = FamilyLoader.Load(familyPath, verifyHashes: false, cancellationToken, modelsOf: _ => false);
        var slice = ShardRun.Plan(manifestOnly, tasks, options, shard);
        var checkpoints = slice.Select(p => p.Checkpoint).Distinct().ToList();
        console.Output.WriteLine(slice.Count == 0
            ? $"Shard {shard}: nothing to score (more shards than (checkpoint, task) pairs)."
            : $"Shard {shard}: {slice.Count} (checkpoint, task) pair{(slice.Count == 1 ? "" : "s")} on {string.Join(", ", checkpoints)}.");
        var loaded = FamilyLoader.Load(familyPath, cancellationToken: cancellationToken, modelsOf: c => checkpoints.Contains(c.Name));
        var folder = new RunFolder(output ?? layout.Output($"{loaded.Name}-shard-{shard.Index}-of-{shard.Count}"));
        using var writer = folder.Lock();
        RunProgress.Create(quiet, console).Run(o => ShardRun.Execute(loaded, tasks, options, shard, slice, folder, o, cancellationToken));
        console.Output.WriteLine($"Shard {shard}: {folder.Directory}. Merge it with the other shards' folders: merge <folders...> --family {familyPath} --out <folder>");
        return CommandErrors.Passed;
    }
}
