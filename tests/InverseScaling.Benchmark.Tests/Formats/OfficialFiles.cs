using System.Text.Json;
using System.Text.Json.Nodes;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Formats;

/// <summary>
/// Task files in the prize's released layouts (<c>TestData/Formats/probe_&lt;format&gt;.jsonl</c> and <c>.csv</c>, the CSVs as
/// pandas writes them: an unnamed index column, quoted multi-line prompts, doubled quotes, classes as Python list
/// literals), the rows they hold, and cards for them.
/// </summary>
internal static class OfficialFiles
{
    private static readonly SourceLocation Nowhere = new("expected", 0);

    /// <summary>The committed file of <paramref name="format"/> in <paramref name="extension"/> (<c>jsonl</c> or <c>csv</c>).</summary>
    public static string Path(TaskFormat format, string extension) =>
        TestPaths.TestData("Formats", $"probe{format.Spec().FileNameSuffix}.{extension}");

    /// <summary>The rows of <see cref="Path"/>, as the reader must return them.</summary>
    public static IReadOnlyList<TaskExample> Rows(TaskFormat format) => format switch
    {
        TaskFormat.Classification =>
        [
            new ClassificationExample(0, Nowhere, "Computer Science is the only discipline in which we view adding a new wing\nto a building as being", [" maintenance", " repair"], 0),
            new ClassificationExample(1, Nowhere, "Finish the saying, \"Absence makes the heart grow\"\nAnswer:", [" fonder", " heavy", " cold"], 0),
            new ClassificationExample(2, Nowhere, "Which is right? The dog wagged ___ tail.\nAnswer:", [" its", " it's"], 0),
        ],
        TaskFormat.SequenceProb =>
        [
            new SequenceProbExample(0, Nowhere, "Computer Science is the only discipline in which we view adding a new wing\nto a building as being", " maintenance"),
            new SequenceProbExample(1, Nowhere, "pull: a sustained effort. \"it was a long pull but we made it\"\nconditioner: exercise that conditions the body. \"farm work can be a good", " conditioner\""),
        ],
        _ =>
        [
            new LogOddsExample(0, Nowhere, "The nurse said\nthat", "The doctor said\nthat", [" he", " she"], 1),
            new LogOddsExample(1, Nowhere, "Q: Is 7 prime?\nA:", "Q: Is 7 prime? Think of \"2 × 3\", then answer.\nA:", [" Yes", " No"], 0),
        ],
    };

    /// <summary>
    /// The primary metric a card for <paramref name="format"/> names: accuracy for classification (not the default, so
    /// that the test sees the card win), the format's default otherwise.
    /// </summary>
    public static string CardPrimaryMetric(TaskFormat format) =>
        format == TaskFormat.Classification ? MetricCatalog.Accuracy.Name : format.Spec().DefaultPrimaryMetric;

    /// <summary>
    /// A task folder <c>probe-&lt;format&gt;/</c> in a fresh temp folder, holding a copy of the official file and a
    /// <c>task.json</c> that names it. Returns the copied data file's path.
    /// </summary>
    public static string WithCard(TaskFormat format, string extension)
    {
        var spec = format.Spec();
        var name = "probe-" + spec.Name.Replace('_', '-');
        var folder = System.IO.Path.Combine(TestPaths.NewTempDirectory(), name);
        Directory.CreateDirectory(folder);
        var data = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(Path(format, extension)));
        File.Copy(Path(format, extension), data);
        var card = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = name,
            ["format"] = spec.Name,
            ["data"] = System.IO.Path.GetFileName(data),
            ["primaryMetric"] = CardPrimaryMetric(format),
            ["metrics"] = new JsonArray([.. spec.MetricNames.Select(m => (JsonNode)JsonValue.Create(m)!)]),
            ["shots"] = 0,
        };
        File.WriteAllText(System.IO.Path.Combine(folder, TaskDefinitionFile.FileName), card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return data;
    }
}
