using System.CommandLine;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Cli.Console;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Sharding;

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
        var family = new FamilyOption("The family.json the shards ran. Its models are not opened. Default: the bundled reference family.");
        var tasks = new TasksOption("The --tasks the shards ran. Default: every task under tasks/.");
        var output = new OutOption("Output folder for the merged results. Default: out/<family> under the root.");
        var gate = new GateOptions("merge");
        var finish = new FinishOptions();
        var root = new RootOption();

        var command = new Command("merge", "Combine the shards of a run into one result (byte for byte a single run's), then compare with the baselines.") { shards };
        foreach (var option in new Option[] { family.Option, tasks.Option, output.Option, root.Option }.Concat(gate.All).Concat(finish.All))
            command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var errors = new OptionErrors();
            var layout = root.Bind(parse, errors);
            var folders = parse.GetValue(shards)!;
            foreach (var folder in folders) errors.NotEmpty(shards.Name, folder, "give the --out folder of each shard");
            var familyPath = family.Bind(parse, layout, errors);
            var selected = tasks.Bind(parse, layout, errors);
            var outDirectory = output.Bind(parse, errors);
            var settings = gate.Bind(parse, layout, errors);
            var (gating, report) = finish.Bind(parse);
            errors.ThrowIfAny();

            var read = ShardMerge.ReadShards(folders);
            var loaded = FamilyLoader.Load(familyPath, verifyHashes: false, cancellationToken, modelsOf: _ => false);
            var options = ShardMerge.Options(read[0].Manifest.Settings, read[0].Folder);
            var merged = new RunFolder(outDirectory ?? layout.Output(loaded.Name));
            using var writer = merged.Lock();
            var gateRun = new GateRun(loaded, options, settings, merged) { Tasks = selected };
            gateRun.Prepare(selected.Select(t => t.Name));

            var run = ShardMerge.Merge(read, loaded, selected, gateRun.Output!, cancellationToken);
            var console = CliConsole.For(parse);
            console.Output.WriteLine($"Merged {read.Count} shards of {loaded.Name}.");
            return RunFinish.Complete(gateRun.Complete(run), gateRun, gating, report, layout, console, cancellationToken);
        }), cancellationToken));
        return command;
    }
}
