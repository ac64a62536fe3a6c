using System.Text.Json;
using System.Text.Json.Nodes;
using InverseScaling.Benchmark.Tests.Scoring;
using InverseScaling.Benchmark.Tests.Tokenization;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// A temp folder holding a small suite that runs: a family of two tiny ONNX checkpoints (<see cref="TinyOnnxModel"/>,
/// 267 logits wide) with the hand-made tokenizer (<see cref="TinyTokenizer"/>), a three-example classification task,
/// and an empty baselines folder. Each bad-input case breaks exactly one thing in it.
/// </summary>
internal sealed class BadInputWorkspace
{
    /// <summary>The tiny tokenizer's ids run 0..266.</summary>
    public const int Vocabulary = 267;

    public const string FamilyName = "tiny";

    private BadInputWorkspace(string root)
    {
        Root = root;
        Manifest = Path.Combine(root, "family", "family.json");
        Tasks = Path.Combine(root, "tasks");
        Baselines = Path.Combine(root, "baselines");
        Out = Path.Combine(root, "out");
        Family = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = FamilyName,
            ["checkpoints"] = new JsonArray(Checkpoint("tiny-1k", 1000, "checkpoints/a.onnx"), Checkpoint("tiny-8k", 8000, "checkpoints/b.onnx")),
        };
    }

    public string Root { get; }
    public string Manifest { get; }
    public string FamilyDirectory => Path.GetDirectoryName(Manifest)!;
    public string Tasks { get; }
    public string Baselines { get; }
    public string Out { get; }

    /// <summary>What a case holds while the command runs (a run folder's lock); released afterwards.</summary>
    public List<IDisposable> Held { get; } = [];

    /// <summary>family.json as it will be written by <see cref="SaveFamily"/>; cases edit it.</summary>
    public JsonObject Family { get; }

    public string OnnxA => Path.Combine(FamilyDirectory, "checkpoints", "a.onnx");
    public string OnnxB => Path.Combine(FamilyDirectory, "checkpoints", "b.onnx");
    public string Vocab => Path.Combine(FamilyDirectory, "tokenizer", "vocab.json");
    public string Merges => Path.Combine(FamilyDirectory, "tokenizer", "merges.txt");

    /// <summary>The good task's data file; its task is named <c>good</c>.</summary>
    public string GoodTask => Path.Combine(Tasks, "good_classification.jsonl");

    public static BadInputWorkspace Create()
    {
        var workspace = new BadInputWorkspace(TestPaths.NewTempDirectory());
        Directory.CreateDirectory(Path.Combine(workspace.FamilyDirectory, "checkpoints"));
        Directory.CreateDirectory(Path.Combine(workspace.FamilyDirectory, "tokenizer"));
        Directory.CreateDirectory(workspace.Tasks);
        Directory.CreateDirectory(workspace.Baselines);
        File.Copy(TinyTokenizer.Vocab, workspace.Vocab);
        File.Copy(TinyTokenizer.Merges, workspace.Merges);
        workspace.WriteModel(workspace.OnnxA, new TinyOnnxModel(Embedding()));
        workspace.WriteModel(workspace.OnnxB, new TinyOnnxModel(Embedding()));
        workspace.SaveFamily();
        File.WriteAllText(workspace.GoodTask, GoodTaskText);
        return workspace;
    }

    /// <summary>The good task's content: three examples.</summary>
    public static string GoodTaskText => GoodLine + "\n" + GoodLine.Replace("\"answer_index\": 0", "\"answer_index\": 1") + "\n" + GoodLine + "\n";

    /// <summary>A valid example line.</summary>
    public const string GoodLine = """{"prompt": "the cat", "classes": [" a", " b"], "answer_index": 0}""";

    /// <summary>Logits row r (after token r), column c: a fixed pattern of values in [0, 4].</summary>
    public static float[][] Embedding() =>
        Enumerable.Range(0, Vocabulary).Select(r => Enumerable.Range(0, Vocabulary).Select(c => (r * 7 + c * 13) % 17 / 4f).ToArray()).ToArray();

    public void WriteModel(string path, TinyOnnxModel model) => File.WriteAllBytes(path, model.Build());

    public void SaveFamily() => File.WriteAllText(Manifest, Family.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    public JsonObject CheckpointAt(int index) => Family["checkpoints"]![index]!.AsObject();

    /// <summary>Writes a task file under the tasks folder and returns its path.</summary>
    public string WriteTask(string name, string content)
    {
        var path = Path.Combine(Tasks, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteTask(string name, byte[] content)
    {
        var path = Path.Combine(Tasks, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes <c>baselines/tiny/good.verified.json</c> and returns its path.</summary>
    public string WriteBaseline(string content)
    {
        var path = Path.Combine(Baselines, FamilyName, "good.verified.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The command line that runs <paramref name="task"/> on this workspace's family.</summary>
    public string[] RunArguments(string task) =>
        ["run", "--family", Manifest, "--tasks", task, "--out", Out, "--baselines", Baselines, "--quiet", "--no-controls"];

    private static JsonObject Checkpoint(string name, long nonEmbedding, string onnx) => new()
    {
        ["name"] = name,
        ["nonEmbeddingParameters"] = nonEmbedding,
        ["parameters"] = nonEmbedding + 2 * Vocabulary * Vocabulary,
        ["maxContext"] = 64,
        ["bos"] = new JsonObject { ["policy"] = "none", ["token"] = "<|endoftext|>" },
        ["files"] = new JsonObject
        {
            ["onnx"] = new JsonObject { ["path"] = onnx },
            ["vocab"] = new JsonObject { ["path"] = "tokenizer/vocab.json" },
            ["merges"] = new JsonObject { ["path"] = "tokenizer/merges.txt" },
        },
    };
}
