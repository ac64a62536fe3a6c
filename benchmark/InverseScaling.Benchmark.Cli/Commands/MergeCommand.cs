using System.CommandLine;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Scale;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>merge</c>: combines the folders of every <c>run --shard k/n</c> of one run into that run's results, then gates and reports as <c>run</c> does.</summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var shards = new Argument<string[]>("shards")
        {
            Description = "The --out folders of every shard of one run (run --shard 1/n … n/n).",
            Arity = ArgumentArity.OneOrMore,
        };
        var family = new Option<string?>("--family", "-f") { Description = "The family.json the shards ran. Its models are not opened. Default: the bundled reference family." };
        var tasks = new Option<string[]>("--tasks", "-t") { Description = "The --tasks the shards ran. Default: every task under tasks/.", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder for the merged results. Default: out/<family>." };
        var baselines = new Option<string?>("--baselines") { Description = "Baselines folder. Default: baselines/ of the checkout." };
        var gate = new Option<bool>("--gate") { Description = "Exit 1 when any task regresses against its baseline (or has none)." };
        var slopeTolerance = new Option<double?>("--slope-tolerance") { Description = $"As for run. Default {GateTolerances.DefaultMinimumSlope}." };
        var checkpointTolerance = new Option<double?>("--checkpoint-tolerance") { Description = $"As for run. Default {GateTolerances.DefaultCheckpointStandardErrors}." };
        var report = new Option<bool>("--report") { Description = "Also write report.html and report.md (with plots) to <out>/report/." };

        var command = new Command("merge", "Combine the shards of a run into one result (byte for byte a single run's), then compare with the baselines.")
        {
            shards, family, tasks, output, baselines, gate, slopeTolerance, checkpointTolerance, report,
        };
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var layout = SuiteLayout.Find();
            var tolerances = GateTolerances.FromEnvironment().With(parse.GetValue(slopeTolerance), parse.GetValue(checkpointTolerance));
            var read = ShardMerge.ReadShards(parse.GetValue(shards)!);
            var loaded = FamilyLoader.Load(parse.GetValue(family) ?? layout.ReferenceFamily, verifyHashes: false, cancellationToken, modelsOf: _ => false);
            var selected = parse.GetValue(tasks) is { Length: > 0 } names
                ? TaskCatalog.Resolve(names, layout.Tasks)
                : TaskCatalog.Discover(layout.Tasks);
            var outDirectory = parse.GetValue(output) ?? Path.Combine("out", loaded.Name);
            var store = new BaselineStore(parse.GetValue(baselines) ?? layout.Baselines);
            foreach (var task in selected) store.TryReadVerified(loaded.Name, task.Name);

            var run = ShardMerge.Merge(read, loaded, selected, outDirectory, cancellationToken);
            var options = ShardMerge.Options(read[0].Manifest.Settings, read[0].Folder);
            var console = parse.InvocationConfiguration.Output;
            console.WriteLine($"Merged {read.Count} shards of {loaded.Name}.");
            return RunFinish.Complete(run, loaded, options, outDirectory, store, tolerances, parse.GetValue(report), parse.GetValue(gate),
                layout, console, cancellationToken);
        })));
        return command;
    }
}
