using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Sharding;

/// <summary>
/// <c>merge</c>: checks that the shard folders are every shard of one run, copies their units into one output folder and
/// builds the run's result from them with the code a resumed run uses, so that the result equals a single run's.
/// Never scores: a unit that is missing or saved under another key is an error.
/// </summary>
public static class ShardMerge
{
    /// <summary>The settings the shards ran with, as evaluation options.</summary>
    public static EvaluationOptions Options(ShardSettings settings, string manifestPath) => new(
        SizeMeasures.TryParse(settings.SizeMeasure)
            ?? throw new BenchmarkInputException(manifestPath, $"size measure '{settings.SizeMeasure}' is not one this suite knows",
                "merge shards made by this suite", field: "settings.sizeMeasure"),
        settings.Limit,
        settings.IncludeControls,
        Shots: settings.Shots)
    {
        Device = settings.Device is { } device ? Scoring.ExecutionDevice.Parse(device) : Scoring.ExecutionDevice.Cpu,
    };

    /// <summary>Reads and checks the shards' manifests: one run, every shard from 1 to n exactly once.</summary>
    public static IReadOnlyList<(string Folder, ShardManifest Manifest)> ReadShards(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0) throw new ArgumentException("a merge needs at least one shard", nameof(folders));
        var shards = folders.Select(f => (Folder: Path.GetFullPath(f), Manifest: ShardManifest.Read(f))).ToList();
        var (firstFolder, first) = shards[0];
        foreach (var (folder, manifest) in shards.Skip(1))
        {
            var path = Path.Combine(folder, ShardManifest.FileName);
            string? differs =
                manifest.Of != first.Of ? $"it is shard {manifest.Spec} but {firstFolder} is shard {first.Spec}: they split the run into different numbers of shards"
                : manifest.Family != first.Family ? $"it is a shard of family {manifest.Family}, {firstFolder} of family {first.Family}"
                : !manifest.Tasks.SequenceEqual(first.Tasks) ? $"it scored tasks {string.Join(", ", manifest.Tasks)}, {firstFolder} tasks {string.Join(", ", first.Tasks)}"
                : manifest.Settings != first.Settings ? $"it ran with {Describe(manifest.Settings)}, {firstFolder} with {Describe(first.Settings)}"
                : null;
            if (differs is not null)
                throw new BenchmarkInputException(path, differs, "merge the shards of one run: the same --shard n, family, --tasks and options on every shard");
        }
        foreach (var twice in shards.GroupBy(s => s.Manifest.Shard).Where(g => g.Count() > 1))
            throw new BenchmarkInputException(Path.Combine(twice.Last().Folder, ShardManifest.FileName),
                $"shard {twice.Key}/{first.Of} is given twice (also {twice.First().Folder})", "give each shard's folder once");
        var missing = Enumerable.Range(1, first.Of).Except(shards.Select(s => s.Manifest.Shard)).ToList();
        if (missing.Count > 0)
            throw new BenchmarkInputException(firstFolder,
                $"shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} of {first.Of} {(missing.Count > 1 ? "are" : "is")} missing",
                $"give the folders of all {first.Of} shards (each written by run --shard k/{first.Of} once it finished)");
        return shards;
    }

    /// <summary>Copies every shard's units into <paramref name="output"/> and builds the run's result from them.</summary>
    public static FamilyRunResult Merge(IReadOnlyList<(string Folder, ShardManifest Manifest)> shards, Family family,
        IReadOnlyList<BenchmarkTask> tasks, RunFolder output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(output);
        var first = shards[0].Manifest;
        var firstPath = Path.Combine(shards[0].Folder, ShardManifest.FileName);
        if (first.Family != family.Name)
            throw new BenchmarkInputException(firstPath, $"the shards scored family {first.Family}, not {family.Name}",
                "merge with the --family the shards ran with");
        if (!first.Tasks.SequenceEqual(tasks.Select(t => t.Name)))
            throw new BenchmarkInputException(firstPath, $"the shards scored tasks {string.Join(", ", first.Tasks)}, not {string.Join(", ", tasks.Select(t => t.Name))}",
                "merge with the --tasks the shards ran with");
        if (first.Settings.SuiteVersion != SuiteInfo.Version)
            throw new BenchmarkInputException(firstPath, $"the shards ran suite version {first.Settings.SuiteVersion}, this is {SuiteInfo.Version}",
                "merge with the suite the shards ran, or run the shards again");
        var options = Options(first.Settings, firstPath);

        var pairs = ShardPairs.Of(family, tasks, options);
        foreach (var (folder, manifest) in shards)
        {
            var expected = ShardPlan.Slice(pairs, manifest.Spec).Select(p => new ShardPairName(p.Checkpoint, p.Task));
            if (!expected.SequenceEqual(manifest.Pairs))
                throw new BenchmarkInputException(Path.Combine(folder, ShardManifest.FileName),
                    $"shard {manifest.Spec} scored other pairs than this family.json and these task files give it",
                    "run every shard and the merge from the same commit, with the same family.json and task files");
            foreach (var pair in manifest.Pairs)
            {
                var task = tasks.First(t => t.Name == pair.Task);
                Copy(new RunFolder(folder), output, pair.Task, pair.Checkpoint, control: false, manifest);
                if (options.IncludeControls && task.ControlPath is not null) Copy(new RunFolder(folder), output, pair.Task, pair.Checkpoint, control: true, manifest);
            }
        }
        return FamilyEvaluator.Evaluate(family, tasks, options, observer: null, new LoadOnly(new UnitResultFiles(output) { TrustUnsigned = true }), cancellationToken);
    }

    private static void Copy(RunFolder shard, RunFolder output, string task, string checkpoint, bool control, ShardManifest manifest)
    {
        var state = shard.UnitStatePath(task, checkpoint, control);
        var label = $"{checkpoint} · {task}{(control ? " (control)" : "")}";
        if (!File.Exists(state))
            throw new BenchmarkInputException(state, $"unit {label} of shard {manifest.Spec} is missing: the shard stopped before it",
                $"run the shard again with the same --out (it resumes where it stopped): run --shard {manifest.Spec} --out {shard.Directory}");
        foreach (var (source, target) in new[]
                 {
                     (shard.ExamplesPath(task, checkpoint, control), output.ExamplesPath(task, checkpoint, control)),
                     (state, output.UnitStatePath(task, checkpoint, control)),
                 })
        {
            if (source == target) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
        }
    }

    private static string Describe(ShardSettings s) =>
        $"size measure {s.SizeMeasure}, limit {s.Limit?.ToString() ?? "none"}, {(s.IncludeControls ? "controls" : "no controls")}, {s.Shots} shots, suite {s.SuiteVersion}";

    /// <summary>The merged units, read only: a unit the shards did not leave under this run's key stops the merge instead of being scored.</summary>
    private sealed class LoadOnly(UnitResultFiles files) : IUnitResultStore
    {
        public SavedUnit? TryLoad(UnitKey key) => files.TryLoad(key)
            ?? throw new BenchmarkInputException(files.Folder.UnitStatePath(key.Task, key.Checkpoint, key.Control),
                $"unit {key.Checkpoint} · {key.Task}{(key.Control ? " (control)" : "")} was saved under another key (other model, tokenizer, task data or options), or its examples file changed",
                "merge with the family.json and task files the shards ran with, or run that shard again");

        public void Save(UnitKey key, CheckpointTaskResult result) =>
            throw new InvalidOperationException("a merge scores nothing");
    }
}
