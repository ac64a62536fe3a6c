using System.Text;
using System.Text.Json.Nodes;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Gate;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Scoring;
using InverseScaling.Benchmark.Tests.Tokenization;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// Every bad input a user can hand the suite, each refused with ONE clear error that names the file, the line or field
/// (where the fault has one) and the fix, in both front ends: the command line (<c>inverse-scaling run</c>: exit code 2,
/// one <c>error: &lt;file&gt;:&lt;line&gt; (&lt;field&gt;): … Fix: …</c> line on stderr, no stack trace) and the path a gate
/// theory takes under <c>dotnet test</c> (a <see cref="BenchmarkInputException"/> with the same message).
/// </summary>
public sealed partial class BadInputCatalogTests
{
    /// <summary>What a case breaks, and the error it must produce.</summary>
    /// <param name="Arrange">Breaks one thing in a fresh workspace; returns the <c>--tasks</c> entry to run and the error expected.</param>
    private sealed record BadInput(string Name, string Kind, Func<BadInputWorkspace, (string Task, Expected Error)> Arrange)
    {
        /// <summary>The command line to run instead of <c>run</c> on the task (other options, another verb).</summary>
        public Func<BadInputWorkspace, string, string[]>? CommandLine { get; init; }

        /// <summary>True for a fault only the command line meets (an option, the run folder); the gate path skips it.</summary>
        public bool CommandLineOnly { get; init; }

        /// <summary>Checked after either front end with the error message: what must not have happened (a file written, a secret shown).</summary>
        public Action<BadInputWorkspace, string>? Afterwards { get; init; }
    }

    /// <param name="Problem">A fragment of the problem the message must state.</param>
    private sealed record Expected(string File, int? Line, string? Field, string Problem)
    {
        public string Location => File + (Line is { } l ? $":{l}" : "") + (Field is { } f ? $" ({f})" : "");
    }

    private static readonly BadInput[] Cases =
    [
        // Task files: the bad example is on line 2, after a good one.
        TaskLine("task-broken-json-line", """{"prompt": "the cat", "classes": [" a", " b"], "answer_index": 0""", null, "the line is not valid JSON"),
        TaskLine("task-missing-field", """{"prompt": "the cat", "classes": [" a", " b"]}""", "answer_index", "missing field \"answer_index\""),
        TaskLine("task-mistyped-field", """{"prompt": "the cat", "classes": " a, b", "answer_index": 0}""", "classes", "\"classes\" must be a list of strings, found a string"),
        TaskLine("task-answer-index-out-of-range", """{"prompt": "the cat", "classes": [" a", " b"], "answer_index": 2}""", "answer_index", "answer_index 2 is out of range for 2 classes"),
        TaskLine("task-one-class", """{"prompt": "the cat", "classes": [" a"], "answer_index": 0}""", "classes", "classes has 1 entry; at least two are needed"),
        TaskLine("task-duplicate-classes", """{"prompt": "the cat", "classes": [" a", " a"], "answer_index": 0}""", "classes", "classes 0 and 1 are the same string \" a\""),
        TaskLine("task-empty-prompt", """{"prompt": "", "classes": [" a", " b"], "answer_index": 0}""", "prompt", "prompt is empty"),
        TaskLine("task-line-is-a-list", """[" a", " b"]""", null, "the line is a JSON list, not an object"),
        new("task-classes-identical-after-tokenization", "task file", w =>
        {
            // NFC folds "e" + U+0301 into "é": two different strings, one token sequence.
            UseNfcTokenizer(w);
            var task = w.WriteTask("accents_classification.jsonl",
                BadInputWorkspace.GoodLine + "\n" + """{"prompt": "the", "classes": [" caf\u00e9", " cafe\u0301"], "answer_index": 0}""" + "\n");
            return (task, new Expected(task, 2, "classes", "classes 0 and 1 (\" café\" and \" café\") encode to the same token ids"));
        }),
        new("task-invalid-utf8", "task file", w =>
        {
            byte[] bad = [.. Encoding.UTF8.GetBytes("""{"prompt": "the c"""), 0xFF, .. Encoding.UTF8.GetBytes("""at", "classes": [" a", " b"], "answer_index": 0}""")];
            var task = w.WriteTask("bytes_classification.jsonl", [.. Encoding.UTF8.GetBytes(BadInputWorkspace.GoodLine + "\n"), .. bad, (byte)'\n']);
            return (task, new Expected(task, 2, null, "invalid UTF-8 at byte 18 of the line"));
        }),
        new("task-byte-order-mark", "task file", w =>
        {
            var task = w.WriteTask("bom_classification.jsonl", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(BadInputWorkspace.GoodLine + "\n")]);
            return (task, new Expected(task, 1, null, "the file starts with a UTF-8 byte-order mark"));
        }),
        new("task-crlf-line-ends", "task file", w =>
        {
            var task = w.WriteTask("crlf_classification.jsonl", BadInputWorkspace.GoodLine + "\r\n" + BadInputWorkspace.GoodLine + "\r\n");
            return (task, new Expected(task, 1, null, "the line ends with CRLF"));
        }),
        new("task-10-mb-line", "task file", w =>
        {
            var huge = "{\"prompt\": \"" + new string('x', 10 << 20) + "\", \"classes\": [\" a\", \" b\"], \"answer_index\": 0}";
            var task = w.WriteTask("huge_classification.jsonl", BadInputWorkspace.GoodLine + "\n" + huge + "\n");
            return (task, new Expected(task, 2, null, "line is longer than 1,048,576 bytes"));
        }),
        new("task-empty-file", "task file", w =>
        {
            var task = w.WriteTask("empty_classification.jsonl", "");
            return (task, new Expected(task, null, null, "the file has no examples"));
        }),
        new("task-logodds-three-classes", "task file", w =>
        {
            var good = """{"prompt": "the cat", "other_prompt": "the", "classes": [" a", " b"], "answer_index": 0}""";
            var task = w.WriteTask("odds_logodds.jsonl", good + "\n" + good.Replace("[\" a\", \" b\"]", "[\" a\", \" b\", \" c\"]") + "\n");
            return (task, new Expected(task, 2, "classes", "classes has 3 entries; the logodds format compares the log-odds of exactly two"));
        }),
        new("task-csv-missing-column", "task file", w =>
        {
            var task = w.WriteTask("columns_classification.csv", "prompt,classes\nthe cat,\"[' a', ' b']\"\n");
            return (task, new Expected(task, 1, "answer_index", "the header has no 'answer_index' column"));
        }),
        new("task-csv-classes-not-a-list", "task file", w =>
        {
            var task = w.WriteTask("list_classification.csv", "prompt,classes,answer_index\nthe cat,\"[' a', ' b'\",0\n");
            return (task, new Expected(task, 2, "classes", "\"classes\" is not a Python list of strings"));
        }),
        new("task-card-data-file-missing", "task file", w =>
        {
            var card = WriteCard(w, "carded", """{"schemaVersion": 1, "name": "carded", "format": "classification", "data": "missing.jsonl", "primaryMetric": "accuracy"}""");
            return (Path.GetDirectoryName(card)!, new Expected(card, null, "data", "data file \"missing.jsonl\" does not exist"));
        }),
        new("task-card-unknown-format", "task file", w =>
        {
            var card = WriteCard(w, "carded", """{"schemaVersion": 1, "name": "carded", "format": "multiple_choice", "data": "data.jsonl", "primaryMetric": "accuracy"}""");
            return (Path.GetDirectoryName(card)!, new Expected(card, null, "format", "unknown format \"multiple_choice\""));
        }),

        // Family manifests.
        Manifest("manifest-missing-onnx-file", w =>
        {
            File.Delete(w.OnnxA);
            return new Expected(w.Manifest, null, "checkpoints[0].files.onnx", "checkpoints/a.onnx does not exist");
        }),
        Manifest("manifest-sha256-mismatch", w =>
        {
            w.CheckpointAt(0)["files"]!["onnx"]!["sha256"] = new string('0', 64);
            return new Expected(w.Manifest, null, "checkpoints[0].files.onnx.sha256", $"checkpoints/a.onnx has sha256 {FileHash.Sha256(w.OnnxA)}, and the manifest says {new string('0', 64)}");
        }),
        Manifest("manifest-duplicate-checkpoint-names", w =>
        {
            w.CheckpointAt(1)["name"] = "tiny-1k";
            return new Expected(w.Manifest, null, "checkpoints[1].name", "checkpoint name \"tiny-1k\" is used twice");
        }),
        Manifest("manifest-one-checkpoint", w =>
        {
            w.Family["checkpoints"]!.AsArray().RemoveAt(1);
            return new Expected(w.Manifest, null, "checkpoints", "the family has 1 checkpoint, and a scaling fit needs at least 2");
        }),
        Manifest("manifest-two-checkpoints-of-one-size", w =>
        {
            w.CheckpointAt(1)["nonEmbeddingParameters"] = 1000;
            return new Expected(w.Manifest, null, "checkpoints[1].nonEmbeddingParameters", "checkpoints \"tiny-1k\" and \"tiny-8k\" have the same nonEmbeddingParameters (1000)");
        }),
        Manifest("manifest-unknown-schema-version", w =>
        {
            w.Family["schemaVersion"] = 2;
            return new Expected(w.Manifest, null, "schemaVersion", "schemaVersion 2 is not supported (this suite reads 1)");
        }),
        Manifest("manifest-not-json", w =>
        {
            File.WriteAllText(w.Manifest, "{\n  \"schemaVersion\": 1\n  \"name\": \"tiny\"\n}\n");
            return new Expected(w.Manifest, 3, null, "family.json is not valid JSON");
        }, save: false),
        Manifest("manifest-mistyped-field", w =>
        {
            w.CheckpointAt(0)["nonEmbeddingParameters"] = "big";
            w.SaveFamily();
            return new Expected(w.Manifest, LineOf(w.Manifest, "\"big\""), "checkpoints[0].nonEmbeddingParameters", "\"checkpoints[0].nonEmbeddingParameters\" is missing or has the wrong type");
        }, save: false),
        Manifest("manifest-missing-max-context", w =>
        {
            w.CheckpointAt(0).Remove("maxContext");
            return new Expected(w.Manifest, null, "checkpoints[0].maxContext", "\"checkpoints[0].maxContext\" is missing");
        }),
        Manifest("manifest-unknown-field", w =>
        {
            w.CheckpointAt(0)["maxContxt"] = 64;
            return new Expected(w.Manifest, null, "checkpoints[0].maxContxt", "\"checkpoints[0].maxContxt\" is not a field of family.json");
        }),
        Manifest("manifest-max-context-above-the-position-table", w =>
        {
            // A model with a position table of 1,024 rows (the export fixtures' GPT-2); the manifest is checked before the model runs.
            File.Copy(TestPaths.TestData("Exports", "gpt2-plain", "model.onnx"), w.OnnxA, overwrite: true);
            w.CheckpointAt(0)["maxContext"] = 2048;
            return new Expected(w.Manifest, null, "checkpoints[0].maxContext", "checkpoint \"tiny-1k\" has maxContext 2048, and its model takes at most 1024 positions");
        }),
        Manifest("manifest-zero-training-flops", w =>
        {
            w.CheckpointAt(0)["trainingFlops"] = 0;
            return new Expected(w.Manifest, null, "checkpoints[0].trainingFlops", "checkpoint \"tiny-1k\" has trainingFlops 0");
        }),
        Manifest("manifest-bos-token-not-in-vocabulary", w =>
        {
            w.CheckpointAt(0)["bos"]!["token"] = "<s>";
            return new Expected(w.Manifest, null, "bos.token", $"BOS token \"<s>\" is not in the tokenizer's vocabulary ({w.Vocab})");
        }),

        // Models (the first checkpoint's ONNX file).
        Model("model-not-onnx", w =>
        {
            File.WriteAllText(w.OnnxA, "not a model\n");
            return new Expected(w.OnnxA, null, null, "ONNX Runtime cannot load the file as an ONNX model (");
        }),
        Model("model-no-logits-output", w =>
        {
            w.WriteModel(w.OnnxA, new TinyOnnxModel(BadInputWorkspace.Embedding()) { LogitsName = "scores" });
            return new Expected(w.OnnxA, null, null, "the model has no 'logits' output (outputs: scores)");
        }),
        Model("model-logits-width-unequal-to-vocabulary", w =>
        {
            w.WriteModel(w.OnnxA, new TinyOnnxModel(Widened(BadInputWorkspace.Embedding(), 300)));
            return new Expected(w.OnnxA, null, "logits", "the logits are 300 wide but the tokenizer has 267 tokens");
        }),
        Model("model-logits-width-found-only-on-the-first-run", w =>
        {
            w.WriteModel(w.OnnxA, new TinyOnnxModel(Widened(BadInputWorkspace.Embedding(), 300)) { OpaqueLogitsWidth = true });
            return new Expected(w.OnnxA, null, "logits", "the logits are 300 wide but the tokenizer has 267 tokens");
        }),
        Model("model-nan-logits", w =>
        {
            w.WriteModel(w.OnnxA, new TinyOnnxModel(BadInputWorkspace.Embedding().Select(row => row.Select(_ => float.NaN).ToArray()).ToArray()));
            return new Expected(w.OnnxA, null, null, "the model produced NaN or infinite logits at batch row 0, position 0");
        }),
        Model("model-infinite-logits", w =>
        {
            var table = BadInputWorkspace.Embedding();
            foreach (var row in table) row[5] = float.PositiveInfinity;
            w.WriteModel(w.OnnxA, new TinyOnnxModel(table));
            return new Expected(w.OnnxA, null, null, "the model produced NaN or infinite logits at batch row 0, position 0");
        }),
        Model("model-input-the-scorer-cannot-feed", w =>
        {
            w.WriteModel(w.OnnxA, new TinyOnnxModel(BadInputWorkspace.Embedding()) { ExtraInput = "token_type_ids" });
            return new Expected(w.OnnxA, null, "token_type_ids", "the model has an input 'token_type_ids' the scorer does not know how to feed");
        }),

        // Tokenizers.
        Tokenizer("tokenizer-merges-file-missing", w =>
        {
            File.Delete(w.Merges);
            return new Expected(w.Manifest, null, "checkpoints[0].files.merges", "tokenizer/merges.txt does not exist");
        }),
        Tokenizer("tokenizer-merge-of-unknown-tokens", w =>
        {
            var line = File.ReadAllLines(w.Merges).Length + 1;
            File.AppendAllText(w.Merges, "x q\n");
            return new Expected(w.Merges, line, null, "merge \"x q\" makes \"xq\", which is not in the vocabulary");
        }),
        Tokenizer("tokenizer-vocabulary-not-json", w =>
        {
            File.WriteAllText(w.Vocab, "{\"!\": 0,\n\"a\": 64\n\"b\": 65}\n");
            return new Expected(w.Vocab, 3, null, "vocab.json is not valid JSON");
        }),
        Tokenizer("tokenizer-vocabulary-id-not-a-number", w =>
        {
            File.WriteAllText(w.Vocab, File.ReadAllText(w.Vocab).Replace("\"!\": 0,", "\"!\": \"zero\",", StringComparison.Ordinal));
            return new Expected(w.Vocab, null, "!", "the id of token \"!\" is \"zero\", not a non-negative integer");
        }),
        Tokenizer("tokenizer-vocabulary-without-a-byte", w =>
        {
            File.WriteAllText(w.Vocab, File.ReadAllText(w.Vocab).Replace("\"!\": 0, ", "", StringComparison.Ordinal));
            return new Expected(w.Vocab, null, null, "the vocabulary has no symbol for byte 0x21 (\"!\")");
        }),

        // Baselines of the good task (baselines/tiny/good.verified.json).
        Baseline("baseline-corrupt-json", w =>
        {
            var path = w.WriteBaseline("{\n  \"schemaVersion\": 1\n  \"family\": \"tiny\"\n}\n");
            return new Expected(path, 3, null, "it is not a readable baseline");
        }),
        Baseline("baseline-of-another-family", w =>
        {
            var path = w.WriteBaseline("""{"schemaVersion": 1, "family": "other", "task": "good"}""");
            return new Expected(path, null, "family", "it is the baseline of family 'other' but lies in the folder of family 'tiny'");
        }),
        Baseline("baseline-of-another-task", w =>
        {
            var path = w.WriteBaseline("""{"schemaVersion": 1, "family": "tiny", "task": "neqa"}""");
            return new Expected(path, null, "task", "it is the baseline of task 'neqa' but is named for task 'good'");
        }),
        Baseline("baseline-unknown-schema-version", w =>
        {
            var path = w.WriteBaseline("""{"schemaVersion": 7, "family": "tiny", "task": "good"}""");
            return new Expected(path, null, "schemaVersion", "schema version 7 is not one this suite reads (it reads version 1)");
        }),
    ];

    /// <summary>The cases run as a child process too: one per kind of input.</summary>
    private static readonly string[] AsProcess =
        ["task-broken-json-line", "manifest-sha256-mismatch", "model-nan-logits", "tokenizer-merge-of-unknown-tokens", "baseline-corrupt-json",
         "checkpoint-name-with-a-line-break", "manifest-is-a-fifo", "model-nan-logits-several-prompts", "option-slope-tolerance-nan"];

    /// <summary>The cases of #10, the hostile ones of #13 and its checked baselines.</summary>
    private static BadInput[] All => [.. Cases, .. HostileCases, .. ProvenanceCases];

    public static IEnumerable<TheoryDataRow<string>> Names() =>
        All.Select(c => new TheoryDataRow<string>(c.Name).WithTrait("Input", c.Kind));

    public static IEnumerable<TheoryDataRow<string>> GatePathNames() =>
        All.Where(c => !c.CommandLineOnly && c.CommandLine is null).Select(c => new TheoryDataRow<string>(c.Name).WithTrait("Input", c.Kind));

    public static IEnumerable<TheoryDataRow<string>> ProcessNames() => AsProcess.Select(name => new TheoryDataRow<string>(name));

    [Fact]
    public void The_catalogue_tries_over_seventy_distinct_inputs_of_every_kind()
    {
        Assert.True(All.Length >= 70, $"{All.Length} cases");
        Assert.Equal(All.Length, All.Select(c => c.Name).Distinct().Count());
        Assert.Equal(["baseline", "command line", "family manifest", "model", "run folder", "task file", "tokenizer"], All.Select(c => c.Kind).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_command_line_prints_one_error_line_and_exits_2(string name)
    {
        var workspace = BadInputWorkspace.Create();
        var input = All.Single(c => c.Name == name);
        var (task, expected) = input.Arrange(workspace);

        var result = await Cli.RunInProcessAsync(input.CommandLine?.Invoke(workspace, task) ?? workspace.RunArguments(task), TestContext.Current.CancellationToken);

        AssertOneErrorLine(result, expected);
        input.Afterwards?.Invoke(workspace, result.Error + result.Output);
    }

    [Theory]
    [MemberData(nameof(GatePathNames))]
    public void The_gate_path_throws_the_same_input_error(string name)
    {
        var workspace = BadInputWorkspace.Create();
        var input = All.Single(c => c.Name == name);
        var (task, expected) = input.Arrange(workspace);

        var e = Assert.Throws<BenchmarkInputException>(() => RunGatePath(workspace, task));

        AssertMessage(e.Message, expected);
        input.Afterwards?.Invoke(workspace, e.Message);
    }

    [Theory]
    [MemberData(nameof(ProcessNames))]
    public async Task The_command_line_as_a_process_prints_one_error_line_and_exits_2(string name)
    {
        var workspace = BadInputWorkspace.Create();
        var input = All.Single(c => c.Name == name);
        var (task, expected) = input.Arrange(workspace);

        var result = await Cli.RunProcessAsync(input.CommandLine?.Invoke(workspace, task) ?? workspace.RunArguments(task), workspace.Root, TestContext.Current.CancellationToken);

        AssertOneErrorLine(result, expected);
    }

    /// <summary>What a gate theory does (<see cref="GateFixture"/>): load the family and task, score and fit, check the baseline.</summary>
    private static void RunGatePath(BadInputWorkspace workspace, string task)
    {
        var benchmarkTask = TaskCatalog.Resolve([task], workspace.Tasks).Single();
        using var gate = GateFixture.Create(new BenchmarkSettings { FamilyManifest = workspace.Manifest, Baselines = workspace.Baselines, TaskFolders = [workspace.Tasks] });
        gate.Check(benchmarkTask, TestContext.Current.CancellationToken);
    }

    private static void AssertOneErrorLine(CliResult result, Expected expected)
    {
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}; stderr: {result.Error}");
        var line = Assert.Single(result.ErrorLines);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Assert.StartsWith("error: ", line);
        AssertMessage(line["error: ".Length..], expected);
        Assert.DoesNotContain("   at ", result.Error + result.Output);
    }

    private static void AssertMessage(string message, Expected expected)
    {
        Assert.StartsWith(expected.Location + ": ", message);
        Assert.Contains(expected.Problem, message);
        var fix = message.IndexOf(". Fix: ", StringComparison.Ordinal);
        Assert.True(fix > 0 && message.Length > fix + ". Fix: ".Length + 10, $"no fix in: {message}");
        Assert.DoesNotContain('\n', message);
    }

    private static BadInput TaskLine(string name, string badLine, string? field, string problem) => new(name, "task file", w =>
    {
        var task = w.WriteTask($"{name}_classification.jsonl", BadInputWorkspace.GoodLine + "\n" + badLine + "\n");
        return (task, new Expected(task, 2, field, problem));
    });

    private static BadInput Manifest(string name, Func<BadInputWorkspace, Expected> arrange, bool save = true) => new(name, "family manifest", w =>
    {
        var expected = arrange(w);
        if (save) w.SaveFamily();
        return (w.GoodTask, expected);
    });

    private static BadInput Model(string name, Func<BadInputWorkspace, Expected> arrange) => new(name, "model", w => (w.GoodTask, arrange(w)));

    private static BadInput Tokenizer(string name, Func<BadInputWorkspace, Expected> arrange) => new(name, "tokenizer", w => (w.GoodTask, arrange(w)));

    private static BadInput Baseline(string name, Func<BadInputWorkspace, Expected> arrange) => new(name, "baseline", w => (w.GoodTask, arrange(w)));

    /// <summary>Switches the family to TestData's tokenizer.json with an NFC normalizer.</summary>
    private static void UseNfcTokenizer(BadInputWorkspace w) => UseTokenizerJson(w, json => json["normalizer"] = new JsonObject { ["type"] = "NFC" });

    /// <summary>Switches both checkpoints to TestData's tokenizer.json, edited by <paramref name="edit"/>.</summary>
    private static string UseTokenizerJson(BadInputWorkspace w, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestPaths.TestData("Tokenization", "tokenizer.json")))!.AsObject();
        edit(json);
        var path = Path.Combine(w.FamilyDirectory, "tokenizer", "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        for (var i = 0; i < 2; i++)
        {
            var files = w.CheckpointAt(i)["files"]!.AsObject();
            files.Remove("vocab");
            files.Remove("merges");
            files["tokenizerJson"] = new JsonObject { ["path"] = "tokenizer/tokenizer.json" };
        }
        w.SaveFamily();
        return path;
    }

    private static string WriteCard(BadInputWorkspace w, string name, string card)
    {
        var folder = Directory.CreateDirectory(Path.Combine(w.Tasks, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "data.jsonl"), BadInputWorkspace.GoodLine + "\n");
        var path = Path.Combine(folder, TaskDefinitionFile.FileName);
        File.WriteAllText(path, card);
        return path;
    }

    private static float[][] Widened(float[][] table, int width) => table.Select(row => row.Concat(new float[width - row.Length]).ToArray()).ToArray();

    private static int LineOf(string file, string text) => Array.FindIndex(File.ReadAllLines(file), l => l.Contains(text, StringComparison.Ordinal)) + 1;
}
