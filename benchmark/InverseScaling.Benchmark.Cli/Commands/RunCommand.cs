using System.CommandLine;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Console;
using InverseScaling.Benchmark.Cli.Scale;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Reports;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>run</c>: the main job. Scores tasks on every checkpoint of a family, fits, compares with baselines, writes results.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var family = new Option<string?>("--family", "-f") { Description = "The family's family.json (or its folder). Default: the bundled reference family." };
        var tasks = new Option<string[]>("--tasks", "-t")
        {
            Description = "Task names (folders under tasks/), task folders, or official .jsonl/.csv files. Default: every task under tasks/.",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder for summary.json and per-example scores. Default: out/<family>." };
        var limit = new Option<int?>("--limit") { Description = "Score only the first N examples of each task and control set." };
        var sizeMeasure = new Option<string>("--size-measure")
        {
            Description = "The x-axis of the scaling fit: non-embedding-parameters or training-flops.",
            DefaultValueFactory = _ => SizeMeasures.NonEmbeddingParametersName,
        };
        sizeMeasure.AcceptOnlyFromAmong(SizeMeasures.NonEmbeddingParametersName, SizeMeasures.TrainingFlopsName);
        var noControls = new Option<bool>("--no-controls") { Description = "Skip the tasks' control sets." };
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads per model call. Default: the cores shared among the scorer's workers (one worker per core, one thread each)." };
        var baselines = new Option<string?>("--baselines") { Description = "Baselines folder. Default: baselines/ of the checkout." };
        var gate = new Option<bool>("--gate") { Description = "Exit 1 when any task regresses against its baseline (or has none)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress output." };
        var cache = new CacheOptions();
        var slopeTolerance = new Option<double?>("--slope-tolerance") { Description = $"Smallest slope change (metric units per decade) the gate flags; the baseline interval's half-width is used when larger. Default {GateTolerances.DefaultMinimumSlope}." };
        var checkpointTolerance = new Option<double?>("--checkpoint-tolerance") { Description = $"A checkpoint's tolerance in baseline standard errors. Default {GateTolerances.DefaultCheckpointStandardErrors}." };
        var shots = new Option<int>("--shots") { Description = "Few-shot variant: prepend N other examples with their gold answers (seeded, joined by three newlines). Default 0." };
        var device = new Option<string>(ExecutionDevice.Option)
        {
            Description = "ONNX Runtime execution provider: cpu, cuda, tensorrt, rocm or dml, with an optional index (cuda:1). All but cpu need ONNX Runtime's build for them.",
            DefaultValueFactory = _ => ExecutionDevice.Cpu.Name,
        };
        var shard = new Option<string?>(ShardSpec.Option)
        {
            Description = "Score only shard k of n (k/n) of the (checkpoint, task) pairs, for a run spread over machines; merge combines the shards' folders.",
        };
        var report = new Option<bool>("--report") { Description = "Also write report.html and report.md (with plots) to <out>/report/." };

        var command = new Command("run", "Score tasks on every checkpoint of a family, fit the scaling slopes and compare them with the baselines.")
        {
            family, tasks, output, limit, sizeMeasure, noControls, threads, shots, baselines, gate, slopeTolerance, checkpointTolerance, quiet, report, device, shard,
        };
        cache.AddTo(command);
        // The work runs on the thread pool so that System.CommandLine has its Ctrl+C/SIGTERM handler in place while it runs:
        // the signal cancels the token, scoring stops at the next batch, and every file already written stays whole.
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var layout = SuiteLayout.Find();
            var options = new EvaluationOptions(
                SizeMeasures.TryParse(parse.GetValue(sizeMeasure)) ?? SizeMeasure.NonEmbeddingParameters,
                parse.GetValue(limit),
                IncludeControls: !parse.GetValue(noControls),
                IntraOpThreads: parse.GetValue(threads),
                Shots: parse.GetValue(shots))
            {
                Device = ExecutionDevice.Parse(parse.GetValue(device)!).RequireAvailable(),
                Cache = cache.Resolve(parse, layout),
            };
            var tolerances = GateTolerances.FromEnvironment().With(parse.GetValue(slopeTolerance), parse.GetValue(checkpointTolerance));
            var familyPath = parse.GetValue(family) ?? layout.ReferenceFamily;
            var selected = parse.GetValue(tasks) is { Length: > 0 } names
                ? TaskCatalog.Resolve(names, layout.Tasks)
                : TaskCatalog.Discover(layout.Tasks);
            if (parse.GetValue(shard) is { } slice)
            {
                if (parse.GetValue(gate) || parse.GetValue(report))
                {
                    CommandErrors.WriteError(parse, "a shard neither gates nor reports: give --gate and --report to merge, which combines the shards");
                    return CommandErrors.InputError;
                }
                return RunShard(ShardSpec.Parse(slice), familyPath, selected, options, parse.GetValue(output), parse.GetValue(quiet),
                    parse.InvocationConfiguration.Output, cancellationToken);
            }

            var loaded = FamilyLoader.Load(familyPath, cancellationToken: cancellationToken);
            var outDirectory = parse.GetValue(output) ?? Path.Combine("out", loaded.Name);
            var store = new BaselineStore(parse.GetValue(baselines) ?? layout.Baselines);
            // A corrupt or foreign baseline is refused now, not after the scoring.
            foreach (var task in selected) store.TryReadVerified(loaded.Name, task.Name);

            var units = new UnitResultFiles(outDirectory);
            units.DeleteAbandonedFiles();
            AtomicFile.DeleteAbandoned(Path.Combine(store.Root, loaded.Name));
            var run = RunProgress.Create(parse.GetValue(quiet))
                .Run(o => FamilyEvaluator.Evaluate(loaded, selected, options, o, units, cancellationToken));
            return RunFinish.Complete(run, loaded, options, outDirectory, store, tolerances, parse.GetValue(report), parse.GetValue(gate),
                layout, parse.InvocationConfiguration.Output, cancellationToken);
        })));
        return command;
    }

    /// <summary>
    /// <c>run --shard k/n</c>: works out the slice from family.json alone, loads the models of the slice's checkpoints only,
    /// scores the slice's units into the output folder and writes shard.json; fitting and the gate wait for merge.
    /// </summary>
    private static int RunShard(ShardSpec shard, string familyPath, IReadOnlyList<BenchmarkTask> tasks, EvaluationOptions options,
        string? output, bool quiet, TextWriter console, CancellationToken cancellationToken)
    {
        var manifestOnly = FamilyLoader.Load(familyPath, verifyHashes: false, cancellationToken, modelsOf: _ => false);
        var slice = ShardPlan.Slice(ShardPairs.Of(manifestOnly, tasks, options), shard);
        var checkpoints = slice.Select(p => p.Checkpoint).Distinct().ToList();
        console.WriteLine(slice.Count == 0
            ? $"Shard {shard}: nothing to score (more shards than (checkpoint, task) pairs)."
            : $"Shard {shard}: {slice.Count} (checkpoint, task) pair{(slice.Count == 1 ? "" : "s")} on {string.Join(", ", checkpoints)}.");
        var loaded = FamilyLoader.Load(familyPath, cancellationToken: cancellationToken, modelsOf: c => checkpoints.Contains(c.Name));
        var outDirectory = Path.GetFullPath(output ?? Path.Combine("out", $"{loaded.Name}-shard-{shard.Index}-of-{shard.Count}"));
        RunProgress.Create(quiet).Run(o => ShardRun.Execute(loaded, tasks, options, shard, slice, outDirectory, o, cancellationToken));
        console.WriteLine($"Shard {shard}: {outDirectory}. Merge it with the other shards' folders: merge <folders...> --family {familyPath} --out <folder>");
        return 0;
    }
}
