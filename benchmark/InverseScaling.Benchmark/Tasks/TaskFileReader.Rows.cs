using System.Globalization;
using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Formats;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>Rows of either file kind, and the validated example each becomes.</summary>
public static partial class TaskFileReader
{
    private static TaskExample CreateExample(TaskFormat format, IRow row, int index, SourceLocation source)
    {
        var prompt = RequireText(row, "prompt", source, "give every example a non-empty prompt");
        switch (format)
        {
            case TaskFormat.Classification:
            {
                var classes = RequireClasses(row, source);
                return new ClassificationExample(index, source, prompt, classes, RequireAnswerIndex(row, classes.Count, source));
            }
            case TaskFormat.SequenceProb:
                return new SequenceProbExample(index, source, prompt,
                    RequireText(row, "completion", source, "give every example the non-empty completion whose loss is measured"));
            case TaskFormat.LogOdds:
            case TaskFormat.AbsoluteLogOdds:
            {
                var other = RequireText(row, "other_prompt", source, "give every example the second prompt, scored on the same classes");
                var classes = RequireClasses(row, source);
                if (classes.Count != 2)
                {
                    throw Invalid(source, $"classes has {classes.Count} entries; the {format.ToName()} format compares the log-odds of exactly two",
                        "give exactly two classes, e.g. [\" Yes\", \" No\"]", "classes");
                }
                return new LogOddsExample(index, source, prompt, other, classes, RequireAnswerIndex(row, classes.Count, source));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
    }

    private static string RequireText(IRow row, string field, SourceLocation source, string fix)
    {
        var value = row.GetString(field);
        if (string.IsNullOrWhiteSpace(value)) throw Invalid(source, $"{field} is empty", fix, field);
        return value;
    }

    private static IReadOnlyList<string> RequireClasses(IRow row, SourceLocation source)
    {
        var classes = row.GetStringList("classes");
        if (classes.Count < 2)
        {
            throw Invalid(source, $"classes has {classes.Count} {(classes.Count == 1 ? "entry" : "entries")}; at least two are needed",
                "list two or more candidate completions, e.g. [\" Yes\", \" No\"]", "classes");
        }
        var seen = new Dictionary<string, int>(classes.Count, StringComparer.Ordinal);
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i].Length == 0) throw Invalid(source, $"class {i} is empty", "give every class some text (normally a leading space and a word)", "classes");
            if (!seen.TryAdd(classes[i], i))
            {
                throw Invalid(source, $"classes {seen[classes[i]]} and {i} are the same string {TextExcerpt.Quote(classes[i])}",
                    "remove the duplicate: identical classes cannot be told apart", "classes");
            }
        }
        return classes;
    }

    private static int RequireAnswerIndex(IRow row, int classCount, SourceLocation source)
    {
        var answer = row.GetInt("answer_index");
        if (answer < 0 || answer >= classCount)
        {
            throw Invalid(source, $"answer_index {answer} is out of range for {classCount} classes",
                $"use the 0-based index of the correct class, from 0 to {classCount - 1}", "answer_index");
        }
        return answer;
    }

    private static BenchmarkInputException Invalid(SourceLocation source, string problem, string fix, string field) =>
        new(source.File, problem, fix, source.Line, field);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string FixFor(string field) => field switch
    {
        "prompt" => "give \"prompt\" as a string: the text the model reads",
        "other_prompt" => "give \"other_prompt\" as a string: the second prompt, scored on the same classes",
        "completion" => "give \"completion\" as a string: the text whose loss is measured",
        "classes" => "give \"classes\" as a list of two or more strings, e.g. [\" Yes\", \" No\"]",
        "answer_index" => "give \"answer_index\" as the 0-based index of the correct class",
        _ => $"give \"{field}\"",
    };

    /// <summary>Field access that both formats share.</summary>
    private interface IRow
    {
        string GetString(string field);
        IReadOnlyList<string> GetStringList(string field);
        int GetInt(string field);
    }

    private sealed class JsonRow(JsonElement element, SourceLocation source) : IRow
    {
        private readonly SourceLocation _source = source;

        private JsonElement Get(string field, JsonValueKind expected, string expectedName)
        {
            if (!element.TryGetProperty(field, out var value)) throw Invalid(_source, $"missing field \"{field}\"", FixFor(field), field);
            if (value.ValueKind != expected) throw Invalid(_source, $"\"{field}\" must be {expectedName}, found a {Describe(value.ValueKind)}", FixFor(field), field);
            return value;
        }

        public string GetString(string field) => Get(field, JsonValueKind.String, "a string").GetString()!;

        public IReadOnlyList<string> GetStringList(string field)
        {
            var list = new List<string>();
            var i = 0;
            foreach (var item in Get(field, JsonValueKind.Array, "a list of strings").EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw Invalid(_source, $"\"{field}\" must be a list of strings, but entry {i} is a {Describe(item.ValueKind)}", FixFor(field), field);
                }
                list.Add(item.GetString()!);
                i++;
            }
            return list;
        }

        public int GetInt(string field)
        {
            var value = Get(field, JsonValueKind.Number, "an integer");
            if (!value.TryGetInt32(out var number)) throw Invalid(_source, $"\"{field}\" must be an integer, found {TextExcerpt.Escape(value.GetRawText())}", FixFor(field), field);
            return number;
        }
    }

    private sealed class CsvRow(Dictionary<string, int> header, string[] record, string file, int line) : IRow
    {
        private SourceLocation Source => new(file, line);

        public string GetString(string field)
        {
            var column = header[field];
            if (column >= record.Length)
            {
                throw Invalid(Source, $"the row has {record.Length} fields and no value for \"{field}\"",
                    "give every row as many fields as the header", field);
            }
            return record[column];
        }

        public IReadOnlyList<string> GetStringList(string field)
        {
            var text = GetString(field);
            try
            {
                return PythonListLiteral.ParseStrings(text);
            }
            catch (FormatException e)
            {
                throw Invalid(Source, $"\"{field}\" is not a Python list of strings: {e.Message}", FixFor(field) + " (Python syntax, e.g. [' Yes', ' No'])", field);
            }
        }

        public int GetInt(string field)
        {
            var text = GetString(field);
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw Invalid(Source, $"\"{field}\" must be an integer, found {TextExcerpt.Quote(text)}", FixFor(field), field);
            }
            return value;
        }
    }
}
