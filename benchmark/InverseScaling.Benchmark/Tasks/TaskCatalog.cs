using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>Finds tasks: every <c>&lt;name&gt;/task.json</c> under a tasks folder, or the entries of a <c>--tasks</c> list.</summary>
public static class TaskCatalog
{
    /// <summary>Every task folder directly under <paramref name="tasksDirectory"/> that has a <c>task.json</c>, ordered by name.</summary>
    public static IReadOnlyList<BenchmarkTask> Discover(string tasksDirectory)
    {
        if (!Directory.Exists(tasksDirectory))
        {
            throw new BenchmarkInputException(tasksDirectory, "the tasks folder does not exist", "run from the repository root, or give the folder that holds the task folders");
        }
        return Directory.EnumerateDirectories(tasksDirectory)
            .Where(folder => File.Exists(Path.Combine(folder, TaskDefinitionFile.FileName)))
            .Select(Load)
            .OrderBy(task => task.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Loads the task in <paramref name="folder"/> from its <c>task.json</c>, checking that its files exist.</summary>
    public static BenchmarkTask Load(string folder)
    {
        folder = Path.GetFullPath(folder);
        var cardPath = Path.Combine(folder, TaskDefinitionFile.FileName);
        var definition = TaskDefinitionFile.Load(cardPath);
        SafeName.Require(definition.Name, "task", cardPath, "name");
        var folderName = Path.GetFileName(folder);
        if (definition.Name != folderName)
        {
            throw new BenchmarkInputException(cardPath, $"name \"{definition.Name}\" differs from the folder name {TextExcerpt.Quote(folderName)}",
                "name the folder after the task, or fix \"name\"", field: "name");
        }
        return new BenchmarkTask(definition, folder, ResolveFile(cardPath, folder, definition.Data, "data"),
            definition.Control is null ? null : ResolveFile(cardPath, folder, definition.Control, "control"));
    }

    /// <summary>
    /// Resolves a user's task list. Each entry is a task name under <paramref name="tasksDirectory"/>, a task folder,
    /// a <c>task.json</c>, or an official data file (<c>.jsonl</c>/<c>.csv</c>) with no card.
    /// </summary>
    public static IReadOnlyList<BenchmarkTask> Resolve(IEnumerable<string> entries, string tasksDirectory)
    {
        var tasks = new List<BenchmarkTask>();
        foreach (var entry in entries)
        {
            var task = ResolveOne(entry, tasksDirectory);
            if (tasks.Any(t => t.Name == task.Name))
            {
                throw new BenchmarkInputException(entry, $"task \"{task.Name}\" is listed more than once", "list each task once", field: "--tasks");
            }
            tasks.Add(task);
        }
        return tasks;
    }

    private static BenchmarkTask ResolveOne(string entry, string tasksDirectory)
    {
        if (Directory.Exists(entry))
        {
            if (!File.Exists(Path.Combine(entry, TaskDefinitionFile.FileName)))
            {
                throw new BenchmarkInputException(entry, "the folder has no task.json", "give the task's data file instead, or add a task.json", field: "--tasks");
            }
            return Load(entry);
        }
        if (File.Exists(entry))
        {
            var parent = Path.GetDirectoryName(Path.GetFullPath(entry))!;
            if (Path.GetFileName(entry) == TaskDefinitionFile.FileName) return Load(parent);
            // A task's own data file stands for the task, card and all.
            var card = Path.Combine(parent, TaskDefinitionFile.FileName);
            if (File.Exists(card) && TaskDefinitionFile.Load(card).Data == Path.GetFileName(entry)) return Load(parent);
            return FromDataFile(entry);
        }
        if (entry.Contains('/') || entry.Contains(Path.DirectorySeparatorChar) || entry.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || entry.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new BenchmarkInputException(entry, "no such file or folder", "check the path", field: "--tasks");
        }

        var folder = Path.Combine(tasksDirectory, entry);
        if (File.Exists(Path.Combine(folder, TaskDefinitionFile.FileName))) return Load(folder);

        var known = Directory.Exists(tasksDirectory)
            ? Directory.EnumerateDirectories(tasksDirectory)
                .Where(f => File.Exists(Path.Combine(f, TaskDefinitionFile.FileName)))
                .Select(f => Path.GetFileName(f))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];
        var closest = known.MinBy(name => EditDistance(name, entry));
        var hint = closest is not null && EditDistance(closest, entry) <= Math.Max(2, entry.Length / 3) ? $"; did you mean \"{closest}\"?" : "";
        throw new BenchmarkInputException(tasksDirectory, $"no task named {TextExcerpt.Quote(entry)}{hint}",
            known.Count > 0 ? $"use one of {string.Join(", ", known)}, or a path to a task folder or data file" : "give a path to a task folder or data file",
            field: "--tasks");
    }

    /// <summary>
    /// A task for an official data file without a card: name and format from the released file name (format else from
    /// the first row), the format's metrics and default primary metric (<see cref="FormatCatalog"/>), and chance from the
    /// examples' class counts.
    /// </summary>
    public static BenchmarkTask FromDataFile(string path, CancellationToken cancellationToken = default)
    {
        path = Path.GetFullPath(path);
        var format = TaskFileReader.DetectFormat(path).Spec();
        var name = SafeName.Require(TaskFileReader.TaskNameFromFileName(path), "task", path);
        var definition = new TaskDefinition(
            SchemaVersion: TaskDefinition.CurrentSchemaVersion,
            Name: name,
            Format: format.Name,
            Data: Path.GetFileName(path),
            Control: null,
            PrimaryMetric: format.DefaultPrimaryMetric,
            Metrics: format.MetricNames,
            Shots: 0,
            Cause: null,
            CorrectBehaviour: null,
            Chance: format.HasChance
                ? format.Chance(TaskFileReader.Read(path, format.Format, cancellationToken).Select(e => e.CandidateClasses().Count))
                : null,
            Generator: null);
        return new BenchmarkTask(definition, Path.GetDirectoryName(path)!, path, null);
    }

    /// <summary>A file the card names: inside the task's folder after links, a regular file of bounded size.</summary>
    private static string ResolveFile(string cardPath, string folder, string relative, string field)
    {
        var path = ContainedPath.Inside(folder, relative, cardPath, field);
        if (!File.Exists(path) && !Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            throw new BenchmarkInputException(cardPath, $"{field} file {TextExcerpt.Quote(relative)} does not exist", $"put the file in {TextExcerpt.Escape(folder, 200)} or fix \"{field}\"", field: field);
        }
        return ContainedPath.Resolve(folder, relative, cardPath, field, InputLimits.TaskFileBytes);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
