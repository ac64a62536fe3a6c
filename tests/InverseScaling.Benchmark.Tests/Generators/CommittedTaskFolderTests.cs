using System.Text.Json;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Generators;

/// <summary>The quality checker itself, on small hand-written task folders with known faults.</summary>
public sealed class CommittedTaskFolderTests
{
    [Fact]
    public void Classification_folder_faults_are_each_reported()
    {
        var folder = Write("tiny-task", "classification", "tiny-task_classification.jsonl",
            metrics: ["accuracy", "loss", "total_logprob"], chance: new Dictionary<string, double> { ["accuracy"] = 0.5, ["loss"] = Math.Log(2) },
            data:
            [
                """{"prompt":"Pick one:","classes":[" yes"," no"],"answer_index":0}""",
                """{"prompt":"Pick one:","classes":["  yes"," no"],"answer_index":1}""",
                """{"prompt":"Say it ","classes":[" one two three four five six seven"," no"],"answer_index":0}""",
                """{"prompt":"Fine?","classes":[" a"," b"],"answer_index":1}""",
            ],
            control:
            [
                """{"prompt":"Pick one:","classes":[" yes"," no"],"answer_index":0}""",
                """{"prompt":"Other?","classes":[" c"," d"],"answer_index":1}""",
            ]);

        Assert.Equal(
            [
                "task.json shots is 0, expected 2",
                "task.json cause is 'distractor-task', expected 'strong-prior'",
                "tiny-task_classification.jsonl: 4 rows, expected 300–400",
                "tiny-task_classification.jsonl: lines 1, 2 have the same prompt",
                "tiny-task_classification.jsonl:2: every class must be one space and then text",
                "tiny-task_classification.jsonl:3: the prompt is empty or ends in whitespace (the space belongs to the class)",
                "tiny-task_classification.jsonl:3: every class must be 1 to 6 words",
                "control.jsonl: 2 rows, expected 150–300",
                "1 prompt(s) of tiny-task_classification.jsonl also stand in control.jsonl; the control must be other items",
            ],
            CommittedTaskFolder.QualityProblemsIn(folder, shots: 2, cause: "strong-prior"));
    }

    [Fact]
    public void Sequence_prob_completions_need_a_leading_space_and_room_in_the_context()
    {
        var folder = Write("tiny-seq", "sequence_prob", "tiny-seq_sequence-probability.jsonl", metrics: ["loss"], chance: null,
            data:
            [
                """{"prompt":"Reply:","completion":"yes"}""",
                $$"""{"prompt":"{{new string('x', 2800)}}","completion":" ok"}""",
            ],
            control: ["""{"prompt":"Reply:","completion":" no"}"""]);

        Assert.Equal(
            [
                "tiny-seq_sequence-probability.jsonl: 2 rows, expected 300–400",
                "tiny-seq_sequence-probability.jsonl:1: the completion must be one space and then text",
                "tiny-seq_sequence-probability.jsonl:2: prompt plus completion is 2803 characters, over 2800",
                "control.jsonl: 1 rows, expected 150–300",
                "1 prompt(s) of tiny-seq_sequence-probability.jsonl also stand in control.jsonl; the control must be other items",
            ],
            CommittedTaskFolder.QualityProblemsIn(folder));
    }

    private static string Write(
        string name, string format, string dataFile, string[] metrics, IReadOnlyDictionary<string, double>? chance, string[] data, string[] control)
    {
        var folder = Path.Combine(TestPaths.NewTempDirectory(), name);
        Directory.CreateDirectory(folder);
        var definition = new TaskDefinition(
            SchemaVersion: TaskDefinition.CurrentSchemaVersion, Name: name, Format: format, Data: dataFile, Control: "control.jsonl",
            PrimaryMetric: "loss", Metrics: metrics, Shots: 0, Cause: "distractor-task", CorrectBehaviour: "Answer well.",
            Chance: chance, Generator: new GeneratorInfo(name, 1, 7));
        File.WriteAllText(Path.Combine(folder, "task.json"), JsonSerializer.Serialize(definition, SuiteJson.Indented));
        File.WriteAllText(Path.Combine(folder, "README.md"), "# card\n");
        File.WriteAllLines(Path.Combine(folder, dataFile), data);
        File.WriteAllLines(Path.Combine(folder, "control.jsonl"), control);
        return folder;
    }
}
