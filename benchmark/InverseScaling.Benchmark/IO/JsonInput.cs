using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.IO;

/// <summary>
/// Reads JSON documents the user hands the suite, and turns every <see cref="JsonException"/> into one
/// <see cref="BenchmarkInputException"/> of the same shape: file, line, field, what is wrong and the fix.
/// </summary>
internal static class JsonInput
{
    /// <summary>Reads a bounded UTF-8 file and parses it as a JSON document (comments skipped).</summary>
    /// <param name="what">What the file is, for messages ("family.json").</param>
    /// <param name="fix">How to repair a file that is not valid JSON.</param>
    public static JsonDocument ReadDocument(string path, long maxBytes, string what, string fix)
    {
        var text = InputFile.ReadAllText(path, maxBytes, what, fix);
        return ParseDocument(text, path, what, fix);
    }

    /// <summary>Parses text as a JSON document; a syntax error names the line.</summary>
    public static JsonDocument ParseDocument(string text, string path, string what, string fix)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw SyntaxError(path, what, fix, e);
        }
        if (LoneSurrogateEscape(text) is { } at)
        {
            document.Dispose();
            throw new BenchmarkInputException(path,
                $"{what} holds an escaped lone UTF-16 surrogate ({text.Substring(at, 6)}), which is not a character",
                "write the character itself, or both halves of its surrogate pair", text.AsSpan(0, at).Count('\n') + 1);
        }
        return document;
    }

    /// <summary>
    /// The position of a <c>\uD800</c>–<c>\uDFFF</c> escape that is not half of a pair, or null. JSON's parser accepts one, and
    /// reading the string then throws; checked once for the whole text, so every later read of a string is safe.
    /// </summary>
    internal static int? LoneSurrogateEscape(string text)
    {
        for (var i = text.IndexOf('\\'); i >= 0 && i + 1 < text.Length; i = text.IndexOf('\\', i))
        {
            if (text[i + 1] != 'u' || !TryHex(text, i + 2, out var code))
            {
                i += 2;
                continue;
            }
            if (char.IsHighSurrogate((char)code))
            {
                if (i + 12 <= text.Length && text[i + 6] == '\\' && text[i + 7] == 'u' && TryHex(text, i + 8, out var low) && char.IsLowSurrogate((char)low))
                {
                    i += 12;
                    continue;
                }
                return i;
            }
            if (char.IsLowSurrogate((char)code)) return i;
            i += 6;
        }
        return null;
    }

    private static bool TryHex(string text, int start, out int value) =>
        int.TryParse(start + 4 <= text.Length ? text.AsSpan(start, 4) : [], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);

    /// <summary>Deserializes an element; a field of the wrong type names that field.</summary>
    public static T Deserialize<T>(JsonElement element, JsonSerializerOptions options, string path, string fix)
    {
        try
        {
            return element.Deserialize<T>(options) ?? throw new BenchmarkInputException(path, "the document is null", fix);
        }
        catch (JsonException e)
        {
            throw FieldError(path, fix, e);
        }
    }

    /// <summary>"&lt;what&gt; is not valid JSON: &lt;reason&gt;" at the line the reader stopped.</summary>
    public static BenchmarkInputException SyntaxError(string path, string what, string fix, JsonException e) =>
        new(path, $"{what} is not valid JSON: {Reason(e)}", fix, Line(e), inner: e);

    /// <summary>A value that does not fit the field the deserializer was filling.</summary>
    public static BenchmarkInputException FieldError(string path, string fix, JsonException e)
    {
        var field = Field(e);
        var reason = Reason(e);
        var problem = field is null ? reason : $"\"{field}\" is missing or has the wrong type";
        return new BenchmarkInputException(path, problem, fix, Line(e), field, e);
    }

    /// <summary>
    /// The reader's reason, without the location suffix (" Path: … | LineNumber: … | BytePositionInLine: …") that
    /// <see cref="Line"/> and <see cref="Field"/> report on their own, and without .NET type names.
    /// </summary>
    public static string Reason(JsonException e)
    {
        var reason = e.Message;
        foreach (var marker in new[] { " Path: ", " LineNumber: ", " | " })
        {
            var cut = reason.IndexOf(marker, StringComparison.Ordinal);
            if (cut >= 0) reason = reason[..cut];
        }
        if (reason.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal)) reason = "the value has the wrong type";
        return TextExcerpt.Escape(reason.Trim().TrimEnd('.'), 160);
    }

    /// <summary>1-based line of the error, when the reader knows it.</summary>
    public static int? Line(JsonException e) => e.LineNumber is { } l ? (int)l + 1 : null;

    /// <summary>The JSON path of the field, without the leading <c>$.</c>; null at the root.</summary>
    public static string? Field(JsonException e) =>
        e.Path is null or "$" ? null : TextExcerpt.Escape(e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path, 120);
}
