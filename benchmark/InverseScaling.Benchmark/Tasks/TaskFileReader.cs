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
public static partial class TaskFileReader
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

    private static BenchmarkInputException NoExamples(string file) =>
        new(file, "the file has no examples", "add at least one example row");

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.');
    }
}
