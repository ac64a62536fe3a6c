using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// What the <c>tokenize</c> verb prints, one JSON value per line: the ids of texts (no special tokens added), or each
/// request's context and continuation ids exactly as the scorer gets them.
/// </summary>
public static class TokenIdListing
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    /// <summary>The ids of one text as a JSON array line.</summary>
    public static void WriteText(CheckpointTokenizer tokenizer, string text, TextWriter output) =>
        output.WriteLine(Json(w => Array(w, tokenizer.Encode(text))));

    /// <summary>
    /// Reads a UTF-8 JSONL file of one JSON string per line and writes one JSON array of ids per line, in order.
    /// Returns the number of texts.
    /// </summary>
    public static int WriteTexts(CheckpointTokenizer tokenizer, string path, TextWriter output, CancellationToken cancellationToken = default)
    {
        using var stream = InputFile.OpenRead(path, InputLimits.TaskFileBytes, "the texts file", "give a .jsonl file with one JSON string per line");
        using var reader = new Utf8LineReader(stream, path, InputLimits.LineBytes);
        var count = 0;
        while (reader.TryReadLine(out string line))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? text;
            if (JsonInput.LoneSurrogateEscape(line) is { } at)
            {
                throw new BenchmarkInputException(path, $"the line holds an escaped lone UTF-16 surrogate at character {at + 1}, which is not a character",
                    "write the character itself, or both halves of its surrogate pair", reader.LineNumber);
            }
            try
            {
                text = JsonSerializer.Deserialize<string>(line);
            }
            catch (JsonException e)
            {
                throw new BenchmarkInputException(path, $"line {TextExcerpt.Quote(line)} is not a JSON string: {JsonInput.Reason(e)}",
                    "write each text as one JSON string on its own line, e.g. \"The cat sat.\"", reader.LineNumber, inner: e);
            }
            if (text is null)
            {
                throw new BenchmarkInputException(path, "the line is null, not a JSON string", "write each text as one JSON string on its own line", reader.LineNumber);
            }
            WriteText(tokenizer, text, output);
            count++;
        }
        return count;
    }

    /// <summary>
    /// One line per request: <c>{"example":…,"line":…,"request":…,"context":[…],"continuation":[…],"fallback":…,"truncated":…}</c>,
    /// the context with its BOS and left cut as the scorer gets it, the continuation the tokens it scores.
    /// </summary>
    public static int WriteRequests(RequestEncoder encoder, RequestSet set, TextWriter output, CancellationToken cancellationToken = default)
    {
        var encoded = encoder.Encode(set, cancellationToken);
        foreach (var example in set.Examples)
        {
            for (var i = 0; i < example.Count; i++)
            {
                var request = encoded[example.First + i];
                output.WriteLine(Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("example", example.Example.Index);
                    w.WriteNumber("line", example.Example.Source.Line);
                    w.WriteNumber("request", i);
                    w.WritePropertyName("context");
                    Array(w, request.Context);
                    w.WritePropertyName("continuation");
                    Array(w, request.Continuation);
                    w.WriteBoolean("fallback", request.BoundaryDiffers);
                    w.WriteNumber("truncated", request.TruncatedTokens);
                    w.WriteEndObject();
                }));
            }
        }
        return encoded.Length;
    }

    private static void Array(Utf8JsonWriter writer, int[] ids)
    {
        writer.WriteStartArray();
        foreach (var id in ids) writer.WriteNumberValue(id);
        writer.WriteEndArray();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact)) write(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
