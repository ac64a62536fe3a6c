using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>Reads and validates a task's <c>task.json</c> against the <see cref="FormatCatalog"/>.</summary>
internal static class TaskDefinitionFile
{
    public const string FileName = "task.json";

    private const string WhatItIs = "task.json";
    private const string WriteOneObject = "write the task card as one JSON object";

    private static readonly string[] RequiredFields = ["schemaVersion", "name", "format", "data", "primaryMetric"];

    private static readonly JsonSerializerOptions Options = new(SuiteJson.Indented) { RespectNullableAnnotations = true };

    /// <summary>Reads, parses and validates the task card at <paramref name="path"/> (a bounded, regular file).</summary>
    public static TaskDefinition Load(string path)
    {
        var text = InputFile.ReadAllText(path, InputLimits.ManifestBytes, "the task card",
            "add a task.json beside the task's data (see any folder under tasks/)");
        return Parse(text, path);
    }

    /// <summary>Parses and validates the text of a <c>task.json</c>; <paramref name="path"/> names it in errors.</summary>
    public static TaskDefinition Parse(string text, string path)
    {
        TaskDefinition definition;
        using (var document = JsonInput.ParseDocument(text, path, WhatItIs, WriteOneObject))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BenchmarkInputException(path, "task.json is not a JSON object", WriteOneObject);
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
                var field = JsonInput.Field(e) ?? "(root)";
                var found = Find(root, field) is { } element ? $" (found {Describe(element)})" : "";
                throw new BenchmarkInputException(path, $"\"{field}\" has the wrong type{found}",
                    $"give \"{field}\" the type the task card expects (see any task.json under tasks/)", JsonInput.Line(e), field, e);
            }
        }

        definition = definition with { Metrics = definition.Metrics ?? [definition.PrimaryMetric] };
        Validate(definition, path);
        return definition;
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
        JsonValueKind.String => $"the string {TextExcerpt.Quote(element.GetString())}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => TextExcerpt.Escape(element.GetRawText()),
    };

    private static void Validate(TaskDefinition d, string path)
    {
        if (d.SchemaVersion != TaskDefinition.CurrentSchemaVersion)
        {
            throw Error(path, "schemaVersion", $"schemaVersion {d.SchemaVersion} is not supported (this suite reads {TaskDefinition.CurrentSchemaVersion})",
                $"write \"schemaVersion\": {TaskDefinition.CurrentSchemaVersion}, or update the suite");
        }
        if (string.IsNullOrWhiteSpace(d.Name)) throw Error(path, "name", "name is empty", "give the task's folder name");
        var format = FormatCatalog.Find(d.Format)
            ?? throw Error(path, "format", $"unknown format {TextExcerpt.Quote(d.Format)}", $"use one of {FormatCatalog.Names}");
        if (string.IsNullOrWhiteSpace(d.Data)) throw Error(path, "data", "data is empty", "give the data file's name, relative to the task's folder");

        CheckPrimaryMetric(path, d.PrimaryMetric, format);
        foreach (var metric in d.Metrics) CheckReported(path, "metrics", metric, format);
        if (!d.Metrics.Contains(d.PrimaryMetric))
        {
            throw Error(path, "metrics", $"primaryMetric \"{d.PrimaryMetric}\" is not listed in metrics", $"add \"{d.PrimaryMetric}\" to metrics");
        }
        if (d.Shots < 0) throw Error(path, "shots", $"shots is {d.Shots}", "give 0 for zero-shot or the number of demonstrations in each prompt");
        if (d.Cause is not null && !InverseScalingCauses.All.Contains(d.Cause))
        {
            throw Error(path, "cause", $"unknown cause {TextExcerpt.Quote(d.Cause)}", $"use one of {string.Join(", ", InverseScalingCauses.All)}, or leave it out");
        }
        foreach (var metric in d.Chance?.Keys ?? Enumerable.Empty<string>()) CheckReported(path, "chance", metric, format);
    }

    private static void CheckPrimaryMetric(string path, string metric, FormatSpec format)
    {
        if (format.PrimaryMetrics.Contains(metric)) return;
        var allowed = $"use one of {string.Join(", ", format.PrimaryMetrics)}";
        throw MetricCatalog.Find(metric) is null
            ? Error(path, "primaryMetric", $"unknown metric {TextExcerpt.Quote(metric)}", allowed)
            : format.Reports(metric)
                ? Error(path, "primaryMetric", $"metric \"{metric}\" cannot be the primary metric of the {format.Name} format", allowed)
                : Error(path, "primaryMetric", $"metric \"{metric}\" is not defined for the {format.Name} format", allowed);
    }

    private static void CheckReported(string path, string field, string metric, FormatSpec format)
    {
        if (format.Reports(metric)) return;
        var allowed = $"use one of {string.Join(", ", format.MetricNames)}";
        throw MetricCatalog.Find(metric) is null
            ? Error(path, field, $"unknown metric {TextExcerpt.Quote(metric)}", allowed)
            : Error(path, field, $"metric \"{metric}\" is not defined for the {format.Name} format", allowed);
    }

    private static BenchmarkInputException Error(string path, string field, string problem, string fix) => new(path, problem, fix, field: field);
}
