using System.Text;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Fuzz;

/// <summary>The readers of every file a pull request can hand the gate, with seeds from the checkout.</summary>
public static partial class FuzzTargets
{
    /// <summary>The name every task card is renamed to, so that it matches its folder.</summary>
    private const string TaskName = "fuzztask";

    /// <summary>Every target, seeded from the checkout at <paramref name="root"/>.</summary>
    public static IReadOnlyList<FuzzTarget> All(string root)
    {
        var testData = Path.Combine(root, "tests", "InverseScaling.Benchmark.Tests", "TestData");
        var tokenization = Path.Combine(testData, "Tokenization");
        var tasks = Path.Combine(root, "tasks");
        return
        [
            new("task-jsonl", "fuzz.jsonl",
                [.. Files(testData, "*.jsonl", "Tasks", "Formats"), .. TaskDataHeads(tasks, "*.jsonl")],
                _ => { }, ReadTask),
            new("task-csv", "fuzz.csv", [.. Files(testData, "*.csv", "Tasks", "Formats")], _ => { }, ReadTask),
            new("task-card", "task.json",
                [.. Directory.GetFiles(tasks, "task.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => RenameTask(File.ReadAllText(f)))],
                folder => PrepareTaskFolder(folder, tasks),
                path => TaskCatalog.Load(Path.GetDirectoryName(path)!)),
            new("family-json", "family.json",
                [File.ReadAllBytes(Path.Combine(testData, "Families", "tiny", "family.json")),
                 File.ReadAllBytes(Path.Combine(root, "benchmark", "reference-family", "family.json"))],
                folder => CopyFolder(Path.Combine(testData, "Families", "tiny"), folder),
                path => FamilyLoader.Load(path)),
            new("tokenizer-vocab", "vocab.json", [File.ReadAllBytes(Path.Combine(tokenization, "vocab.json"))],
                folder => File.Copy(Path.Combine(tokenization, "merges.txt"), Path.Combine(folder, "merges.txt"), overwrite: true),
                path => Exercise(TokenizerFactory.FromVocabAndMerges(path, Path.Combine(Path.GetDirectoryName(path)!, "merges.txt")))),
            new("tokenizer-merges", "merges.txt", [File.ReadAllBytes(Path.Combine(tokenization, "merges.txt"))],
                folder => File.Copy(Path.Combine(tokenization, "vocab.json"), Path.Combine(folder, "vocab.json"), overwrite: true),
                path => Exercise(TokenizerFactory.FromVocabAndMerges(Path.Combine(Path.GetDirectoryName(path)!, "vocab.json"), path))),
            new("tokenizer-json", "tokenizer.json",
                [File.ReadAllBytes(Path.Combine(tokenization, "tokenizer.json")), File.ReadAllBytes(Path.Combine(tokenization, "tokenizer-pair-merges.json"))],
                _ => { }, path => Exercise(TokenizerFactory.FromTokenizerJson(path))),
            new("baseline", "fuzztask.verified.json",
                [.. Directory.GetFiles(Path.Combine(root, "baselines", "reference"), "*.verified.json").Order(StringComparer.Ordinal).Select(f => RenameTask(File.ReadAllText(f)))],
                _ => { }, path => BaselineStore.ReadFile(path, "reference", TaskName)),
        ];
    }

    /// <summary>Streams every example, as a run does, touching the fields scoring reads.</summary>
    private static void ReadTask(string path)
    {
        foreach (var example in TaskFileReader.Read(path)) _ = example.CandidateClasses().Count;
    }

    private static void Exercise(CheckpointTokenizer tokenizer)
    {
        var ids = tokenizer.Encode("The cat sat, and café ünïcode 123 <|endoftext|>");
        tokenizer.Decode(ids);
    }

    private static IEnumerable<byte[]> Files(string testData, string pattern, params string[] folders) =>
        folders.SelectMany(f => Directory.GetFiles(Path.Combine(testData, f), pattern)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes);

    /// <summary>The first 20 lines of each committed task's data and control files.</summary>
    private static IEnumerable<byte[]> TaskDataHeads(string tasks, string pattern) =>
        Directory.GetFiles(tasks, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Encoding.UTF8.GetBytes(string.Concat(File.ReadLines(f).Take(20).Select(l => l + "\n"))));

    private static byte[] RenameTask(string json) => Encoding.UTF8.GetBytes(TaskField().Replace(json, $"\"$1\": \"{TaskName}\"", 1));

    /// <summary>The task folder a card sits in: every data and control file a committed card names, with their first lines.</summary>
    private static void PrepareTaskFolder(string folder, string tasks)
    {
        foreach (var task in Directory.GetDirectories(tasks))
        {
            foreach (var data in Directory.GetFiles(task, "*.jsonl"))
                File.WriteAllLines(Path.Combine(folder, Path.GetFileName(data)), File.ReadLines(data).Take(5));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    [GeneratedRegex("\"(name|task)\": \"[^\"]*\"")]
    private static partial Regex TaskField();
}
