using System.Text.Json;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Runs;

/// <summary>
/// A run's output folder (<c>--out</c>), the one owner of its layout and formats:
/// <list type="bullet">
/// <item><c>summary.json</c>: the <see cref="RunSummary"/>, written when the run ends;</item>
/// <item><c>examples/&lt;task&gt;/&lt;checkpoint&gt;[.control].jsonl</c>: per-example scores (<see cref="ExampleScoreFile"/>), each with
/// its unit state file <c>&lt;checkpoint&gt;[.control].unit.json</c> beside it (<see cref="UnitResultFiles"/>, what a resumed run reloads);</item>
/// <item><c>gate/&lt;task&gt;.json</c>: the run's result in baseline form, exactly what the gate compared with the verified
/// baseline, so a report can give the same verdicts later.</item>
/// </list>
/// Every path it hands out lies inside the folder.
/// </summary>
public sealed class RunFolder
{
    public const string SummaryFileName = "summary.json";
    public const string ExamplesFolderName = "examples";
    public const string GateFolderName = "gate";
    public const string UnitStateSuffix = ".unit.json";

    public RunFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        Units = new UnitResultFiles(this);
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>The folder's own name, to tell apart two runs of the same family.</summary>
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Directory));

    /// <summary>The folder as the store of a resumable run's units.</summary>
    public UnitResultFiles Units { get; }

    public string SummaryPath => Path.Combine(Directory, SummaryFileName);

    public string ExamplesPath(string task, string checkpoint, bool control) =>
        Inside(ExamplesFolderName, task, control ? $"{checkpoint}.control.jsonl" : $"{checkpoint}.jsonl");

    public string UnitStatePath(string task, string checkpoint, bool control) =>
        Inside(ExamplesFolderName, task, (control ? $"{checkpoint}.control" : checkpoint) + UnitStateSuffix);

    public string GateResultPath(string task) => Inside(GateFolderName, task + ".json");

    /// <summary>A file directly in the folder, such as a shard's <c>shard.json</c>.</summary>
    public string FilePath(string name) => Inside(name);

    /// <summary>The lock file a writing run holds for as long as it runs (<see cref="Lock"/>).</summary>
    public const string LockFileName = ".run.lock";

    /// <summary>
    /// Takes the folder for one writer: two runs into one <c>--out</c> would mix their files. The lock is the open
    /// <c>.run.lock</c> (an exclusive lock the system drops when the process ends, even by SIGKILL; the file is deleted
    /// on a clean exit). Dispose it when the run ends.
    /// </summary>
    /// <exception cref="BenchmarkInputException">Another run holds the folder.</exception>
    public IDisposable Lock()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Inside(LockFileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
            stream.Flush();
            return stream;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new BenchmarkInputException(Directory, "another run is writing to this folder (it holds .run.lock)",
                "wait for it to end, or give this run its own --out folder", inner: e);
        }
    }

    /// <summary>Deletes the temporary files killed writers left in the folder; returns how many.</summary>
    public int DeleteAbandonedFiles() => AtomicFile.DeleteAbandoned(Directory);

    public void WriteSummary(FamilyRunResult run) =>
        AtomicFile.WriteAllText(SummaryPath, JsonSerializer.Serialize(RunSummary.Of(run), SuiteJson.Indented) + "\n");

    /// <exception cref="BenchmarkInputException">The folder or its summary.json is missing or unreadable.</exception>
    public RunSummary ReadSummary()
    {
        if (!System.IO.Directory.Exists(Directory))
            throw new BenchmarkInputException(Directory, "no such folder", "give the output folder of a run (its --out)");
        var path = SummaryPath;
        if (!File.Exists(path))
            throw new BenchmarkInputException(path, $"the folder has no {SummaryFileName}",
                "give the output folder of a finished run (its --out); a run writes summary.json when it ends");
        const string Fix = "run the benchmark again to rewrite it";
        using var document = JsonInput.ReadDocument(path, InputLimits.ManifestBytes, "the run summary", Fix);
        var summary = JsonInput.Deserialize<RunSummary>(document.RootElement, SuiteJson.Indented, path, Fix);
        if (summary.Family is null || summary.Tasks is null || summary.Checkpoints is null || summary.Settings is null)
            throw new BenchmarkInputException(path, "it lacks family, settings, checkpoints or tasks", Fix);
        return summary;
    }

    /// <summary>Writes <c>gate/&lt;task&gt;.json</c>: the run's result for one task as the gate compares it.</summary>
    public void WriteGateResult(Baseline result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.WriteAllText(GateResultPath(result.Task), BaselineStore.Serialize(result));
    }

    /// <summary>The run's result for <paramref name="task"/> as the gate compared it, or null when the run wrote none.</summary>
    /// <exception cref="BenchmarkInputException">The file is not a readable baseline of this family and task.</exception>
    public Baseline? ReadGateResult(string family, string task)
    {
        var path = GateResultPath(task);
        return File.Exists(path) ? BaselineStore.ReadFile(path, family, task) : null;
    }

    /// <summary>The per-example scores of one task set on one checkpoint, or null when the file is missing.</summary>
    /// <exception cref="BenchmarkInputException">A line is not a readable example score.</exception>
    public IReadOnlyList<ExampleScore>? ReadExamples(string task, string checkpoint, bool control, CancellationToken cancellationToken = default)
    {
        var path = ExamplesPath(task, checkpoint, control);
        return File.Exists(path) ? ExampleScoreFile.Read(path, cancellationToken) : null;
    }

    /// <summary>Joins names under the folder; a name that would lead outside it (<c>..</c>, a rooted path) is refused.</summary>
    private string Inside(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([Directory, .. parts]));
        var root = Path.EndsInDirectorySeparator(Directory) ? Directory : Directory + Path.DirectorySeparatorChar;
        if (!path.StartsWith(root, StringComparison.Ordinal))
            throw new BenchmarkInputException(Directory,
                $"the name {TextExcerpt.Quote(string.Join('/', parts))} would put a file outside the run folder",
                $"name tasks and checkpoints with {SafeName.Rule}");
        if (!ContainedPath.StaysInside(Directory, path))
            throw new BenchmarkInputException(Directory,
                $"{TextExcerpt.Quote(string.Join('/', parts))} is, or lies in, a link that leads outside the run folder",
                "delete the link: a run reads and writes only inside its --out folder");
        return path;
    }
}

/// <summary>A finished run read back: its folder and its <c>summary.json</c>.</summary>
public sealed record FinishedRun(RunFolder Folder, RunSummary Summary)
{
    /// <exception cref="BenchmarkInputException">The folder or its summary.json is missing or unreadable.</exception>
    public static FinishedRun Load(string directory)
    {
        var folder = new RunFolder(directory);
        return new FinishedRun(folder, folder.ReadSummary());
    }

    /// <summary>The folder's name, to tell apart two runs of the same family.</summary>
    public string Name => Folder.Name;

    /// <summary>The run's gate result for <paramref name="task"/>, or null when it wrote none.</summary>
    public Baseline? ReadGateResult(string task) => Folder.ReadGateResult(Summary.Family, task);

    /// <inheritdoc cref="RunFolder.ReadExamples"/>
    public IReadOnlyList<ExampleScore>? ReadExamples(string task, string checkpoint, bool control, CancellationToken cancellationToken = default) =>
        Folder.ReadExamples(task, checkpoint, control, cancellationToken);
}
