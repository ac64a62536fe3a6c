using System.Text;

namespace InverseScaling.Benchmark.Diagnostics;

/// <summary>
/// What an error message may show of a value that came from a file or the command line: a short excerpt with control
/// characters, quotes and backslashes escaped, so that no file can write a line of its own into a log (GitHub Actions
/// reads <c>::error</c> at the start of any line).
/// </summary>
public static class TextExcerpt
{
    /// <summary>The default length of an excerpt, in characters.</summary>
    public const int DefaultLength = 60;

    /// <summary>At most <paramref name="maxLength"/> characters of <paramref name="value"/>, escaped; "…" marks a cut.</summary>
    public static string Escape(string? value, int maxLength = DefaultLength)
    {
        if (value is null) return "null";
        var sb = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        var i = 0;
        for (; i < value.Length && sb.Length < maxLength; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
                        sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else if (char.IsHighSurrogate(c))
                        sb.Append(c).Append(value[++i]);
                    else
                        sb.Append(c);
                    break;
            }
        }
        if (i < value.Length) sb.Append('…');
        return sb.ToString();
    }

    /// <summary>
    /// <paramref name="text"/> on one line: control characters, line and paragraph separators and lone surrogates become
    /// <c>\n</c>, <c>\uXXXX</c> escapes; everything else (quotes, backslashes) is kept, and nothing is cut. Every error
    /// message passes through this, so no value inside it can start a line of its own in a log.
    /// </summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length && !NeedsEscape(text, i)) i += char.IsHighSurrogate(text[i]) ? 2 : 1;
        if (i >= text.Length) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (!NeedsEscape(text, i))
            {
                sb.Append(c);
                if (char.IsHighSurrogate(c)) sb.Append(text[++i]);
                continue;
            }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(string text, int i)
    {
        var c = text[i];
        if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085') return true;
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        return char.IsLowSurrogate(c);
    }

    /// <summary><see cref="Escape"/> in double quotes.</summary>
    public static string Quote(string? value, int maxLength = DefaultLength) => value is null ? "null" : $"\"{Escape(value, maxLength)}\"";
}
