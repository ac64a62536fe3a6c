using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>
/// Streams the examples of a task file in the official formats (<c>.jsonl</c> or the pipeline's <c>.csv</c>), one line at
/// a time, validating each row. Extra fields such as <c>part</c> and <c>round</c> are ignored.
/// </summary>
public static class TaskFileReader
{
    /// <summary>Longest line accepted, in bytes.</summary>
    public const int MaxLineBytes = InputLimits.LineBytes;

    /// <summary>Reads a file whose format is known (from <c>task.json</c>).</summary>
    public static IEnumerable<TaskExample> Read(string path, TaskFormat format, CancellationToken cancellationToken = default)
    {
        var kind = KindOf(path);
        return ReadFile(path, format, kind, cancellationToken);
    }

    /// <summary>Reads a file, taking the format from its released name or else from the fields of its first row.</summary>
    public static IEnumerable<TaskExample> Read(string path, CancellationToken cancellationToken = default) =>
        Read(path, DetectFormat(path), cancellationToken);

    /// <summary>
    /// Reads examples from a stream; <paramref name="file"/> names it in errors and its extension gives JSON Lines or CSV.
    /// The caller disposes the stream.
    /// </summary>
    public static IEnumerable<TaskExample> Read(Stream stream, string file, TaskFormat format, CancellationToken cancellationToken = default) =>
        KindOf(file) == FileKind.Csv ? ReadCsv(stream, file, format, cancellationToken) : ReadJsonl(stream, file, format, cancellationToken);

    /// <summary>The format named by a released file name such as <c>memo-trap_classification.jsonl</c>, or null.</summary>
    public static TaskFormat? FormatFromFileName(string path) => FormatCatalog.FromFileName(path)?.Format;

    /// <summary>The task name in a released file name: the stem without its format suffix.</summary>
    public static string TaskNameFromFileName(string path)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var suffix = FormatCatalog.FromFileName(path)?.FileNameSuffix ?? "";
        return stem.Length > suffix.Length ? stem[..^suffix.Length] : stem;
    }

    /// <summary>The format from the file name, else from the fields of the first row (logodds when it has <c>other_prompt</c>).</summary>
    public static TaskFormat DetectFormat(string path)
    {
        if (FormatFromFileName(path) is { } named) return named;

        IReadOnlyCollection<string> fields;
        int line;
        using (var stream = OpenRead(path))
        using (var reader = new Utf8LineReader(stream, path, MaxLineBytes))
        {
            (fields, line) = KindOf(path) == FileKind.Csv ? CsvHeader(reader, path) : FirstJsonFields(reader, path);
        }

        if (fields.Contains("other_prompt")) return TaskFormat.LogOdds;
        if (fields.Contains("completion")) return TaskFormat.SequenceProb;
        if (fields.Contains("classes")) return TaskFormat.Classification;
        throw new BenchmarkInputException(path,
            $"cannot tell the task format: the first row has none of the fields classes, completion, other_prompt (it has {TextExcerpt.Escape(string.Join(", ", fields), 120)})",
            "name the file <task>_classification.jsonl, <task>_sequence-probability.jsonl, <task>_logodds.jsonl or <task>_absolute-logodds.jsonl, or add a task.json with \"format\"",
            line);
    }

    private enum FileKind { Jsonl, Csv }

    private static FileKind KindOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" => FileKind.Jsonl,
        ".csv" => FileKind.Csv,
        var other => throw new BenchmarkInputException(path, $"unsupported task file extension '{other}'",
            "give the examples as .jsonl (one JSON object per line) or as the official pipeline's .csv"),
    };

    private static FileStream OpenRead(string path) =>
        InputFile.OpenRead(path, InputLimits.TaskFileBytes, "the task file", "check the path, or the \"data\" field of task.json");

    private static IEnumerable<TaskExample> ReadFile(string path, TaskFormat format, FileKind kind, CancellationToken cancellationToken)
    {
        using var stream = OpenRead(path);
        var examples = kind == FileKind.Csv ? ReadCsv(stream, path, format, cancellationToken) : ReadJsonl(stream, path, format, cancellationToken);
        foreach (var example in examples) yield return example;
    }

    private static IEnumerable<TaskExample> ReadJsonl(Stream stream, string file, TaskFormat format, CancellationToken cancellationToken)
    {
        using var reader = new Utf8LineReader(stream, file, MaxLineBytes);
        var index = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            JsonDocument? document;
            if (!TryReadJsonLine(reader, file, out document)) break;
            if (document is null) continue;
            using (document)
            {
                var source = new SourceLocation(file, reader.LineNumber);
                yield return CreateExample(format, new JsonRow(document.RootElement, source), index++, source);
            }
        }
        if (index == 0) throw NoExamples(file);
    }

    /// <summary>False at the end of the file; a null document for a blank line.</summary>
    private static bool TryReadJsonLine(Utf8LineReader reader, string file, out JsonDocument? document)
    {
        document = null;
        if (!reader.TryReadLine(out ReadOnlySpan<byte> line)) return false;
        if (line.IsEmpty || line.IndexOfAnyExcept(" \t"u8) < 0) return true;
        var json = new Utf8JsonReader(line);
        try
        {
            document = JsonDocument.ParseValue(ref json);
            json.Read(); // throws on anything after the object
        }
        catch (JsonException e)
        {
            document?.Dispose();
            throw new BenchmarkInputException(file, $"the line is not valid JSON (near byte {e.BytePositionInLine + 1}): {JsonInput.Reason(e)}",
                "write each example as one JSON object on its own line", reader.LineNumber, inner: e);
        }
        if (line.IndexOf("\\u"u8) >= 0 && JsonInput.LoneSurrogateEscape(System.Text.Encoding.UTF8.GetString(line)) is { } at)
        {
            document.Dispose();
            throw new BenchmarkInputException(file, $"the line holds an escaped lone UTF-16 surrogate at character {at + 1}, which is not a character",
                "write the character itself, or both halves of its surrogate pair", reader.LineNumber);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new BenchmarkInputException(file, $"the line is a JSON {Describe(kind)}, not an object",
                "write each example as one JSON object on its own line", reader.LineNumber);
        }
        return true;
    }

    private static (IReadOnlyCollection<string>, int) FirstJsonFields(Utf8LineReader reader, string file)
    {
        while (TryReadJsonLine(reader, file, out var document))
        {
            if (document is null) continue;
            using (document) return (document.RootElement.EnumerateObject().Select(p => p.Name).ToList(), reader.LineNumber);
        }
        throw NoExamples(file);
    }

    private static IEnumerable<TaskExample> ReadCsv(Stream stream, string file, TaskFormat format, CancellationToken cancellationToken)
    {
        using var lines = new Utf8LineReader(stream, file, MaxLineBytes);
        using var parser = new CsvParser(new CsvRecordTextReader(lines, file, InputLimits.LineBytes), CsvConfig);
        var header = ReadHeader(parser, file);
        var fields = format.Spec().Fields;
        foreach (var field in fields)
        {
            if (!header.ContainsKey(field))
            {
                throw new BenchmarkInputException(file, $"the header has no '{field}' column",
                    $"a {format.ToName()} CSV needs the columns {string.Join(", ", fields)}", 1, field);
            }
        }

        var index = 0;
        var lastRawRow = parser.RawRow;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = lastRawRow + 1;
            if (ReadCsvRecord(parser, file, line) is not { } record) break;
            lastRawRow = parser.RawRow;
            yield return CreateExample(format, new CsvRow(header, record, file, line), index++, new SourceLocation(file, line));
        }
        if (index == 0) throw NoExamples(file);
    }

    private static readonly CsvConfiguration CsvConfig = new(CultureInfo.InvariantCulture)
    {
        HasHeaderRecord = true,
        DetectDelimiter = false,
        IgnoreBlankLines = true,
        // A second bound beside CsvRecordTextReader's record limit: no field may grow past it either.
        MaxFieldSize = InputLimits.LineBytes,
    };

    private static (IReadOnlyCollection<string>, int) CsvHeader(Utf8LineReader lines, string file)
    {
        using var parser = new CsvParser(new CsvRecordTextReader(lines, file, InputLimits.LineBytes), CsvConfig);
        return (ReadHeader(parser, file).Keys, 1);
    }

    private static Dictionary<string, int> ReadHeader(CsvParser parser, string file)
    {
        var record = ReadCsvRecord(parser, file, 1) ?? throw NoExamples(file);
        var header = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < record.Length; i++) header.TryAdd(record[i], i);
        return header;
    }

    /// <summary>The next record, or null at the end. CsvHelper parses a record's fields when they are first read, so bad quoting surfaces there.</summary>
    private static string[]? ReadCsvRecord(CsvParser parser, string file, int line)
    {
        try
        {
            return parser.Read() ? parser.Record : null;
        }
        catch (CsvHelperException e)
        {
            throw new BenchmarkInputException(file, $"malformed CSV: {TextExcerpt.Escape(FirstSentence(e.Message), 160)}",
                "quote fields that contain commas, quotes or line breaks, and double the quotes inside them", line, inner: e);
        }
    }

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

    private static BenchmarkInputException NoExamples(string file) =>
        new(file, "the file has no examples", "add at least one example row");

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

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.');
    }

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
