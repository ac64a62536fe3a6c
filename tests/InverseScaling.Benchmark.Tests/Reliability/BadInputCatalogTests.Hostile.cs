using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using InverseScaling.Benchmark.Tests.Scoring;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// The inputs of #13, tried as an attacker and as an unlucky user would: paths that leave their folder (absolute,
/// <c>../</c>, links to <c>/etc/passwd</c>, <c>/proc/self/environ</c> or a secret), names that would write outside the run
/// folder or into a CI log, devices and pipes that would hang a reader, records without end, inputs that crashed, and
/// command-line values that were accepted. Each gets one error line, exit code 2, and nothing written or shown that
/// should not be.
/// </summary>
public sealed partial class BadInputCatalogTests
{
    private const string Secret = "SECRET-4711-do-not-print";

    private static readonly BadInput[] HostileCases =
    [
        // Names that end up in output paths and logs.
        Manifest("checkpoint-name-leads-out-of-the-run-folder", w =>
        {
            // examples/good/<name>.jsonl would be the good task's own data file.
            w.CheckpointAt(0)["name"] = "../../../tasks/good_classification";
            return new Expected(w.Manifest, null, "checkpoints[0].name", "checkpoint name \"../../../tasks/good_classification\" is not a valid name");
        }) with { Afterwards = NothingWritten },
        Manifest("checkpoint-name-with-a-line-break", w =>
        {
            w.CheckpointAt(1)["name"] = "tiny-8k\n::error file=ci.yml::forged";
            return new Expected(w.Manifest, null, "checkpoints[1].name", "checkpoint name \"tiny-8k\\n::error file=ci.yml::forged\" is not a valid name");
        }) with { Afterwards = NothingWritten },
        Manifest("family-name-with-a-space", w =>
        {
            w.Family["name"] = "tiny family";
            return new Expected(w.Manifest, null, "name", "family name \"tiny family\" is not a valid name");
        }),
        new("task-name-with-a-space", "task file", w =>
        {
            var task = w.WriteTask("my task_classification.jsonl", BadInputWorkspace.GoodLine + "\n");
            return (task, new Expected(task, null, null, "task name \"my task\" is not a valid name"));
        }),

        // Paths a manifest names that leave the family's folder; the error must not show the file they lead to.
        Tokenizer("tokenizer-absolute-path-to-etc-passwd", w =>
        {
            SetTokenizerPath(w, "vocab", "/etc/passwd");
            return new Expected(w.Manifest, null, "checkpoints[0].files.vocab", "/etc/passwd is an absolute path");
        }) with { Afterwards = ShowsNoPasswdLine },
        Tokenizer("tokenizer-path-climbing-out-to-etc-passwd", w =>
        {
            SetTokenizerPath(w, "merges", "../../../../../../../../../../etc/passwd");
            return new Expected(w.Manifest, null, "checkpoints[0].files.merges", "../../../../../../../../../../etc/passwd leads outside");
        }) with { Afterwards = ShowsNoPasswdLine },
        Tokenizer("tokenizer-link-to-etc-passwd", w =>
        {
            Link(w.Merges, "/etc/passwd");
            return new Expected(w.Manifest, null, "checkpoints[0].files.merges", "tokenizer/merges.txt leads, through a link, outside");
        }) with { Afterwards = ShowsNoPasswdLine },
        Tokenizer("tokenizer-link-to-proc-self-environ", w =>
        {
            Link(w.Merges, "/proc/self/environ");
            return new Expected(w.Manifest, null, "checkpoints[0].files.merges", "tokenizer/merges.txt leads, through a link, outside");
        }) with { Afterwards = (_, message) => Assert.DoesNotContain("PATH=", message) },
        Tokenizer("tokenizer-json-link-to-a-secret", w =>
        {
            var secret = Path.Combine(w.Root, "secrets.json");
            File.WriteAllText(secret, $$"""{"api_key": "{{Secret}}", "model": {"vocab": """);
            Link(Path.Combine(w.FamilyDirectory, "tokenizer", "tokenizer.json"), secret);
            for (var i = 0; i < 2; i++)
            {
                var files = w.CheckpointAt(i)["files"]!.AsObject();
                files.Remove("vocab");
                files.Remove("merges");
                files["tokenizerJson"] = new JsonObject { ["path"] = "tokenizer/tokenizer.json" };
            }
            w.SaveFamily();
            return new Expected(w.Manifest, null, "checkpoints[0].files.tokenizerJson", "tokenizer/tokenizer.json leads, through a link, outside");
        }) with { Afterwards = (_, message) => Assert.DoesNotContain(Secret, message) },
        Tokenizer("tokenizer-folder-is-a-link-outside", w =>
        {
            var elsewhere = Directory.CreateDirectory(Path.Combine(w.Root, "elsewhere")).FullName;
            var tokenizer = Path.Combine(w.FamilyDirectory, "tokenizer");
            foreach (var file in Directory.GetFiles(tokenizer)) File.Move(file, Path.Combine(elsewhere, Path.GetFileName(file)));
            Directory.Delete(tokenizer);
            Directory.CreateSymbolicLink(tokenizer, elsewhere);
            return new Expected(w.Manifest, null, "checkpoints[0].files.vocab", "tokenizer/vocab.json leads, through a link, outside");
        }),

        // Devices and pipes: refused at once instead of read without end or waited on.
        Manifest("manifest-is-dev-zero", w =>
        {
            Link(w.Manifest, "/dev/zero");
            return new Expected(w.Manifest, null, null, "family.json is not a regular file (a pipe, socket or device)");
        }, save: false),
        Manifest("manifest-is-a-fifo", w =>
        {
            Fifo(w.Manifest);
            return new Expected(w.Manifest, null, null, "family.json is not a regular file (a pipe, socket or device)");
        }, save: false),
        Model("model-link-to-dev-zero", w =>
        {
            Link(w.OnnxA, "/dev/zero");
            return new Expected(w.Manifest, null, "checkpoints[0].files.onnx", "checkpoints/a.onnx leads, through a link, outside");
        }),
        Model("model-is-a-fifo", w =>
        {
            Fifo(w.OnnxA);
            return new Expected(w.Manifest, null, "checkpoints[0].files.onnx", "checkpoints/a.onnx is not a regular file (a pipe, socket or device)");
        }),
        Tokenizer("tokenizer-is-a-fifo", w =>
        {
            Fifo(w.Vocab);
            return new Expected(w.Manifest, null, "checkpoints[0].files.vocab", "tokenizer/vocab.json is not a regular file (a pipe, socket or device)");
        }),
        new("task-card-is-a-fifo", "task file", w =>
        {
            var card = WriteCard(w, "carded", "{}");
            Fifo(card);
            return (Path.GetDirectoryName(card)!, new Expected(card, null, null, "the task card is not a regular file (a pipe, socket or device)"));
        }),
        Baseline("baseline-link-to-dev-zero", w =>
        {
            var path = w.WriteBaseline("{}");
            Link(path, "/dev/zero");
            return new Expected(path, null, null, "tiny/good.verified.json, or its folder, is a link that leads outside the baselines folder");
        }),
        Baseline("baseline-is-a-fifo", w =>
        {
            var path = w.WriteBaseline("{}");
            Fifo(path);
            return new Expected(path, null, null, "the baseline is not a regular file (a pipe, socket or device)");
        }),

        // Paths a task card names.
        new("task-card-data-leads-outside", "task file", w =>
        {
            var card = WriteCard(w, "carded", """{"schemaVersion": 1, "name": "carded", "format": "classification", "data": "../good_classification.jsonl", "primaryMetric": "loss"}""");
            return (Path.GetDirectoryName(card)!, new Expected(card, null, "data", "../good_classification.jsonl leads outside"));
        }),
        new BadInput("task-card-data-link-to-etc-passwd", "task file", w =>
        {
            var card = WriteCard(w, "carded", """{"schemaVersion": 1, "name": "carded", "format": "classification", "data": "data.jsonl", "primaryMetric": "loss"}""");
            Link(Path.Combine(Path.GetDirectoryName(card)!, "data.jsonl"), "/etc/passwd");
            return (Path.GetDirectoryName(card)!, new Expected(card, null, "data", "data.jsonl leads, through a link, outside"));
        }) with { Afterwards = ShowsNoPasswdLine },

        // Folders the suite writes to, redirected by a committed link.
        Baseline("baseline-folder-is-a-link-outside", w =>
        {
            var elsewhere = Directory.CreateDirectory(Path.Combine(w.Root, "elsewhere")).FullName;
            Directory.CreateSymbolicLink(Path.Combine(w.Baselines, BadInputWorkspace.FamilyName), elsewhere);
            var path = Path.Combine(w.Baselines, BadInputWorkspace.FamilyName, "good.verified.json");
            return new Expected(path, null, null, "tiny/good.verified.json, or its folder, is a link that leads outside the baselines folder");
        }) with { Afterwards = (w, _) => Assert.Empty(Directory.GetFiles(Path.Combine(w.Root, "elsewhere"))) },
        new BadInput("run-folder-examples-link-to-the-tasks", "run folder", w =>
        {
            Directory.CreateDirectory(Path.Combine(w.Out, "examples"));
            Directory.CreateSymbolicLink(Path.Combine(w.Out, "examples", "good"), w.Tasks);
            return (w.GoodTask, new Expected(w.Out, null, null, "is, or lies in, a link that leads outside the run folder"));
        }) with
        {
            CommandLineOnly = true,
            Afterwards = (w, _) => Assert.Equal([w.GoodTask], Directory.GetFiles(w.Tasks)),
        },

        new BadInput("run-folder-held-by-another-run", "run folder", w =>
        {
            w.Held.Add(new InverseScaling.Benchmark.Runs.RunFolder(w.Out).Lock());
            return (w.GoodTask, new Expected(w.Out, null, null, "another run is writing to this folder (it holds .run.lock)"));
        }) with
        {
            CommandLineOnly = true,
            Afterwards = (w, _) =>
            {
                Assert.Equal([Path.Combine(w.Out, InverseScaling.Benchmark.Runs.RunFolder.LockFileName)], Directory.GetFileSystemEntries(w.Out));
                w.Held.ForEach(h => h.Dispose());
                Assert.Empty(Directory.GetFileSystemEntries(w.Out));
            },
        },

        // Baselines whose numbers made every comparison "within" (a 14x regression passed).
        Baseline("baseline-nan-slope-bound", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["fits"]!["loss"]!["slopeHigh"] = "NaN");
            return new Expected(path, null, "fits.loss.slopeHigh", "fits.loss.slopeHigh is NaN, not a finite number");
        }),
        Baseline("baseline-infinite-standard-error", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["checkpoints"]![0]!["metrics"]!["loss"]!["standardError"] = "Infinity");
            return new Expected(path, null, "checkpoints[0].metrics.loss.standardError", "checkpoints[0].metrics.loss.standardError is Infinity, not a finite number");
        }),
        Baseline("baseline-negative-standard-error", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["checkpoints"]![1]!["metrics"]!["accuracy"]!["standardError"] = -0.5);
            return new Expected(path, null, "checkpoints[1].metrics.accuracy.standardError", "checkpoints[1].metrics.accuracy.standardError is -0.5, below 0");
        }),
        Baseline("baseline-fit-over-other-points", w =>
        {
            var path = WriteReferenceBaseline(w, b => b["fits"]!["loss"]!["points"] = 7);
            return new Expected(path, null, "fits.loss.points", "the fit has 7 points, and the baseline 5 checkpoints");
        }),

        // Records without end, and checks that were quadratic.
        new("task-csv-quoted-field-over-200000-lines", "task file", w =>
        {
            var csv = new StringBuilder("prompt,classes,answer_index\nthe cat,\"[' a', ' b']\",0\n\"the cat\n");
            for (var i = 0; i < 200_000; i++) csv.Append("xxxxxxxxxx\n");
            var task = w.WriteTask("open_classification.csv", csv.Append("\",\"[' a', ' b']\",0\n").ToString());
            return (task, new Expected(task, 3, null, "the CSV record that starts on this line is longer than 1,048,576 bytes"));
        }),
        new("task-80000-classes-two-alike-after-tokenization", "task file", w =>
        {
            UseNfcTokenizer(w);
            var classes = new JsonArray(" caf\u00e9");
            for (var i = 1; i < 79_999; i++) classes.Add($" x{i}");
            classes.Add(" cafe\u0301");
            var line = new JsonObject { ["prompt"] = "the", ["classes"] = classes, ["answer_index"] = 0 }.ToJsonString();
            var task = w.WriteTask("many_classification.jsonl", line + "\n");
            return (task, new Expected(task, 1, "classes", "classes 0 and 79999 (\" café\" and \" café\") encode to the same token ids"));
        }),

        // Inputs that crashed.
        TaskLine("task-lone-surrogate", """{"prompt": "the \ud800 cat", "classes": [" a", " b"], "answer_index": 0}""", null,
            "the line holds an escaped lone UTF-16 surrogate at character 17"),
        TaskLine("task-lone-surrogate-in-a-field-name", """{"prompt": "the cat", "cla\udc00sses": [" a", " b"], "answer_index": 0}""", null,
            "the line holds an escaped lone UTF-16 surrogate at character 27"),
        new("model-nan-logits-several-prompts", "model", w =>
        {
            // Two prompts make two batches, which the scorer's workers run in parallel.
            w.WriteModel(w.OnnxA, new TinyOnnxModel(BadInputWorkspace.Embedding().Select(row => row.Select(_ => float.NaN).ToArray()).ToArray()));
            var other = BadInputWorkspace.GoodLine.Replace("the cat", "a dog sat", StringComparison.Ordinal);
            var task = w.WriteTask("prompts_classification.jsonl", string.Join("\n", BadInputWorkspace.GoodLine, other, BadInputWorkspace.GoodLine, other) + "\n");
            return (task, new Expected(w.OnnxA, null, null, "the model produced NaN or infinite logits at batch row 0, position 0"));
        }),
        Model("model-fixed-shape-input-ids", w =>
        {
            w.WriteModel(w.OnnxA, new TinyOnnxModel(BadInputWorkspace.Embedding()) { FixedInputShape = [1, 8] });
            return new Expected(w.OnnxA, null, "input_ids", "input 'input_ids' has the fixed shape [1, 8]; the scorer feeds batches of any size and length");
        }),

        // Found by the fuzzer (tests/InverseScaling.Benchmark.Fuzz): each crashed before it was fixed.
        new BadInput("task-csv-quote-inside-an-unquoted-field", "task file", w =>
        {
            var task = w.WriteTask("quoted_classification.csv", "prompt,classes,answer_index\nthe \"cat\" sat,\"[' a', ' b']\",0\n");
            return (task, new Expected(task, 2, null, "malformed CSV"));
        }),
        new BadInput("task-card-lone-surrogate", "task file", w =>
        {
            var card = WriteCard(w, "carded", """{"schemaVersion": 1, "name": "carded", "format": "classification", "data": "data.jsonl", "primaryMetric": "loss", "cause": "\ud800"}""");
            return (Path.GetDirectoryName(card)!, new Expected(card, 1, null, "task.json holds an escaped lone UTF-16 surrogate (\\ud800), which is not a character"));
        }),
        Tokenizer("tokenizer-vocabulary-lone-surrogate-token", w =>
        {
            File.WriteAllText(w.Vocab, "{\"\\udc00x\": 999,\n" + File.ReadAllText(w.Vocab)[1..]);
            return new Expected(w.Vocab, 1, null, "vocab.json holds an escaped lone UTF-16 surrogate (\\udc00)");
        }),
        Tokenizer("tokenizer-merge-listed-twice", w =>
        {
            var lines = File.ReadAllLines(w.Merges);
            var first = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
            File.AppendAllText(w.Merges, lines[first] + "\n");
            return new Expected(w.Merges, lines.Length + 1, null, $"merge \"{lines[first]}\" is listed twice (first on line {first + 1})");
        }),
        Tokenizer("tokenizer-json-id-beyond-int", w => new Expected(
            UseTokenizerJson(w, json => json["model"]!["vocab"]!["\u0120cat"] = 2147483648L), null, "model.vocab",
            "the id of token \"Ġcat\" is 2147483648, not a whole number from 0 to 2,147,483,647")),

        // Command-line values, checked before any model loads (the model here is broken, and its error must not appear).
        Option("option-limit-zero", ["--limit", "0"], "0", "--limit", "not a whole number 1 or more"),
        Option("option-threads-zero", ["--threads", "0"], "0", "--threads", "not a whole number 1 or more"),
        Option("option-slope-tolerance-nan", ["--slope-tolerance", "NaN"], "NaN", "--slope-tolerance", "not a finite number zero or more"),
        Option("option-checkpoint-tolerance-negative", ["--checkpoint-tolerance", "-1"], "-1", "--checkpoint-tolerance", "not a finite number zero or more"),
        Option("option-shots-negative", ["--shots", "-1"], "-1", "--shots", "not a whole number zero or more"),
        new("option-out-empty", "command line", w =>
        {
            File.WriteAllText(w.OnnxA, "not a model\n");
            return (w.GoodTask, new Expected("\"\"", null, "--out", "the value is empty"));
        })
        {
            CommandLine = (w, task) => ["run", "--family", w.Manifest, "--tasks", task, "--baselines", w.Baselines, "--quiet", "--no-controls", "--out", ""],
            Afterwards = NothingWritten,
        },
        new("option-accept-family-climbing-out", "command line", w =>
            (w.GoodTask, new Expected("../../etc", null, "--family", "not a family name")))
        {
            CommandLine = (w, _) => ["accept", "--family", "../../etc", "--all", "--baselines", w.Baselines],
        },
    ];

    private static BadInput Option(string name, string[] option, string value, string optionName, string problem) => new(name, "command line", w =>
    {
        File.WriteAllText(w.OnnxA, "not a model\n");
        return (w.GoodTask, new Expected(value, null, optionName, problem));
    })
    {
        CommandLine = (w, task) => [.. w.RunArguments(task), .. option],
        Afterwards = NothingWritten,
    };

    /// <summary>No run folder was made, and the good task is as it was.</summary>
    private static void NothingWritten(BadInputWorkspace w, string message)
    {
        Assert.False(Directory.Exists(w.Out), $"{w.Out} was created");
        Assert.Equal(BadInputWorkspace.GoodTaskText, File.ReadAllText(w.GoodTask));
    }

    /// <summary>The committed reference baseline of neqa, moved to this workspace's family and task and edited; returns its path.</summary>
    private static string WriteReferenceBaseline(BadInputWorkspace w, Action<JsonObject> edit)
    {
        var baseline = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Baselines, "reference", "neqa.verified.json")))!.AsObject();
        baseline["family"] = BadInputWorkspace.FamilyName;
        baseline["task"] = "good";
        edit(baseline);
        return w.WriteBaseline(baseline.ToJsonString());
    }

    private static void ShowsNoPasswdLine(BadInputWorkspace w, string message) => Assert.DoesNotContain("root:", message);

    private static void SetTokenizerPath(BadInputWorkspace w, string role, string path)
    {
        for (var i = 0; i < 2; i++) w.CheckpointAt(i)["files"]![role]!["path"] = path;
        w.SaveFamily();
    }

    private static void Link(string path, string target)
    {
        File.Delete(path);
        File.CreateSymbolicLink(path, target);
    }

    private static void Fifo(string path)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "named pipes in the file system are a Unix thing");
        File.Delete(path);
        Assert.Equal(0, MakeFifo(path, Convert.ToUInt32("644", 8)));
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
