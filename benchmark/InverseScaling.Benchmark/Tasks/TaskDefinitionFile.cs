using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>Reads and validates a task's <c>task.json</c>.</summary>
public static class TaskDefinitionFile
{
    public const string FileName = "task.json";

    /// <summary>The metrics a task card may name.</summary>
    public static IReadOnlyList<string> KnownMetrics { get; } = [MetricNames.Accuracy, MetricNames.Loss, MetricNames.TotalLogProbability];

    private static readonly string[] RequiredFields = ["schemaVersion", "name", "format", "data", "primaryMetric"];

    private static readonly JsonSerializerOptions Options = new(SuiteJson.Indented) { RespectNullableAnnotations = true };

    public static TaskDefinition Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BenchmarkInputException(path, "the task card does not exist", "add a task.json beside the task's data (see any folder under tasks/)", inner: e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates the text of a <c>task.json</c>; <paramref name="path"/> names it in errors.</summary>
    public static TaskDefinition Parse(string text, string path)
    {
        TaskDefinition definition;
        using (var document = ParseDocument(text, path))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BenchmarkInputException(path, "task.json is not a JSON object", "write the task card as one JSON object");
            }
            foreach (var field in RequiredFields)
            {
                if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    throw new BenchmarkInputException(path, $"missing field \"{field}\"", $"add \"{field}\" to the task card", field: field);
                }
            }
            try
            {
                definition = root.Deserialize<TaskDefinition>(Options)!;
            }
            catch (JsonException e)
            {
                var field = e.Path is { Length: > 2 } p ? p[2..] : "(root)";
                var found = Find(root, field) is { } element ? $" (found {Describe(element)})" : "";
                throw new BenchmarkInputException(path, $"\"{field}\" has the wrong type{found}",
                    $"give \"{field}\" the type the task card expects (see any task.json under tasks/)",
                    e.LineNumber is { } l ? (int)l + 1 : null, field, e);
            }
        }

        definition = definition with { Metrics = definition.Metrics ?? [definition.PrimaryMetric] };
        Validate(definition, path);
        return definition;
    }

    private static JsonDocument ParseDocument(string text, string path)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var detail = e.Message.Split(". ", 2)[0].TrimEnd('.');
            throw new BenchmarkInputException(path, $"task.json is not valid JSON: {detail}", "write the task card as one JSON object",
                e.LineNumber is { } l ? (int)l + 1 : null, inner: e);
        }
    }

    /// <summary>The element at a simple JSON path such as <c>generator.seed</c>, or null.</summary>
    private static JsonElement? Find(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current)) return null;
        }
        return current;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.GetRawText(),
    };

    private static void Validate(TaskDefinition d, string path)
    {
        if (d.SchemaVersion != TaskDefinition.CurrentSchemaVersion)
        {
            throw Error(path, "schemaVersion", $"schemaVersion {d.SchemaVersion} is not supported (this suite reads {TaskDefinition.CurrentSchemaVersion})",
                $"write \"schemaVersion\": {TaskDefinition.CurrentSchemaVersion}, or update the suite");
        }
        if (string.IsNullOrWhiteSpace(d.Name)) throw Error(path, "name", "name is empty", "give the task's folder name");
        TaskFormat format;
        try
        {
            format = TaskFormatNames.Parse(d.Format);
        }
        catch (FormatException)
        {
            throw Error(path, "format", $"unknown format \"{d.Format}\"",
                $"use one of {TaskFormatNames.Classification}, {TaskFormatNames.SequenceProb}, {TaskFormatNames.LogOdds}, {TaskFormatNames.AbsoluteLogOdds}");
        }
        if (string.IsNullOrWhiteSpace(d.Data)) throw Error(path, "data", "data is empty", "give the data file's name, relative to the task's folder");

        CheckMetric(path, "primaryMetric", d.PrimaryMetric, format);
        foreach (var metric in d.Metrics) CheckMetric(path, "metrics", metric, format);
        if (!d.Metrics.Contains(d.PrimaryMetric))
        {
            throw Error(path, "metrics", $"primaryMetric \"{d.PrimaryMetric}\" is not listed in metrics", $"add \"{d.PrimaryMetric}\" to metrics");
        }
        if (d.Shots < 0) throw Error(path, "shots", $"shots is {d.Shots}", "give 0 for zero-shot or the number of demonstrations in each prompt");
        if (d.Cause is not null && !InverseScalingCauses.All.Contains(d.Cause))
        {
            throw Error(path, "cause", $"unknown cause \"{d.Cause}\"", $"use one of {string.Join(", ", InverseScalingCauses.All)}, or leave it out");
        }
        foreach (var metric in d.Chance?.Keys ?? Enumerable.Empty<string>())
        {
            if (!KnownMetrics.Contains(metric)) throw Error(path, "chance", $"chance names unknown metric \"{metric}\"", $"use metric names from {string.Join(", ", KnownMetrics)}");
        }
    }

    private static void CheckMetric(string path, string field, string metric, TaskFormat format)
    {
        if (!KnownMetrics.Contains(metric))
        {
            throw Error(path, field, $"unknown metric \"{metric}\"", $"use one of {string.Join(", ", KnownMetrics)}");
        }
        if (format == TaskFormat.SequenceProb && metric != MetricNames.Loss)
        {
            throw Error(path, field, $"metric \"{metric}\" is not defined for the sequence_prob format", $"use \"{MetricNames.Loss}\"");
        }
    }

    private static BenchmarkInputException Error(string path, string field, string problem, string fix) => new(path, problem, fix, field: field);
}
