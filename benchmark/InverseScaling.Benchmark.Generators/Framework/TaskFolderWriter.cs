using System.Text;
using System.Text.Json;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>Renders a <see cref="GeneratedTask"/> to the exact bytes of its files, and writes or checks them.</summary>
public static class TaskFolderWriter
{
    private static readonly JsonSerializerOptions RowOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>File name → content for the task's folder.</summary>
    public static IReadOnlyDictionary<string, byte[]> Render(GeneratedTask task)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [task.Definition.Data] = Utf8.GetBytes(Jsonl(task.Rows)),
            ["task.json"] = Utf8.GetBytes(JsonSerializer.Serialize(task.Definition, SuiteJson.Indented) + "\n"),
            ["README.md"] = Utf8.GetBytes(task.Card.ReplaceLineEndings("\n").TrimEnd('\n') + "\n"),
        };
        if (task.Definition.Control is { } control) files[control] = Utf8.GetBytes(Jsonl(task.Control));
        return files;
    }

    /// <summary>One compact JSON object per line, LF-terminated.</summary>
    public static string Jsonl(IEnumerable<TaskRow> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in rows) sb.Append(JsonSerializer.Serialize(row, row.GetType(), RowOptions)).Append('\n');
        return sb.ToString();
    }

    public static void Write(GeneratedTask task, string tasksRoot)
    {
        var folder = Path.Combine(tasksRoot, task.Definition.Name);
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in Render(task)) File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    /// <summary>The files whose committed bytes differ from what the generator produces now.</summary>
    public static IReadOnlyList<string> Differences(GeneratedTask task, string tasksRoot)
    {
        var folder = Path.Combine(tasksRoot, task.Definition.Name);
        return Render(task)
            .Where(file =>
            {
                var path = Path.Combine(folder, file.Key);
                return !File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(file.Value);
            })
            .Select(file => Path.Combine(folder, file.Key))
            .ToList();
    }
}
