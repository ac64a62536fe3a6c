using System.Globalization;
using System.Text;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>
/// Parses a Python list of string literals as written by <c>repr</c>/pandas, e.g. <c>[' Yes', "it's", 'a\'b']</c>:
/// single, double and triple quotes, <c>r</c>/<c>u</c> prefixes, every Python escape except <c>\N{...}</c>,
/// adjacent-literal concatenation and a trailing comma.
/// </summary>
internal static class PythonListLiteral
{
    /// <summary>The strings of the list.</summary>
    /// <exception cref="FormatException">The text is not a list of string literals; the message gives the character position.</exception>
    public static IReadOnlyList<string> ParseStrings(string text)
    {
        var parser = new Parser(text);
        return parser.ParseList();
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public List<string> ParseList()
        {
            SkipWhitespace();
            Expect('[');
            var items = new List<string>();
            SkipWhitespace();
            while (!TryConsume(']'))
            {
                items.Add(ParseItem());
                SkipWhitespace();
                if (TryConsume(']')) break;
                Expect(',');
                SkipWhitespace();
            }
            SkipWhitespace();
            if (_pos < _text.Length) throw Error("unexpected text after the closing ']'");
            return items;
        }

        private string ParseItem()
        {
            var sb = new StringBuilder();
            ParseString(sb);
            while (true)
            {
                var save = _pos;
                SkipWhitespace();
                if (_pos < _text.Length && StartsString()) ParseString(sb);
                else
                {
                    _pos = save;
                    return sb.ToString();
                }
            }
        }

        private readonly bool StartsString()
        {
            var p = _pos;
            while (p < _text.Length && char.IsAsciiLetter(_text[p])) p++;
            return p < _text.Length && (_text[p] == '\'' || _text[p] == '"');
        }

        private void ParseString(StringBuilder sb)
        {
            var raw = false;
            var prefixStart = _pos;
            while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++;
            if (_pos >= _text.Length || (_text[_pos] != '\'' && _text[_pos] != '"'))
            {
                var found = _pos > prefixStart ? _text[prefixStart.._pos] : _pos < _text.Length ? _text[_pos].ToString() : null;
                _pos = prefixStart;
                throw Error(found is null ? "expected a string literal, found the end of the text" : $"expected a string literal, found '{Diagnostics.TextExcerpt.Escape(found)}'");
            }
            var prefix = _text[prefixStart.._pos].ToLowerInvariant();
            switch (prefix)
            {
                case "": case "u": break;
                case "r": raw = true; break;
                default:
                    _pos = prefixStart;
                    throw Error(prefix.Contains('b') ? "bytes literals are not strings" : $"unknown string prefix '{prefix}'");
            }

            var quote = _text[_pos];
            var triple = _pos + 2 < _text.Length && _text[_pos + 1] == quote && _text[_pos + 2] == quote;
            var start = _pos;
            _pos += triple ? 3 : 1;
            while (true)
            {
                if (_pos >= _text.Length) throw Error("unterminated string literal", start);
                var c = _text[_pos];
                if (c == quote && (!triple || (_pos + 2 < _text.Length && _text[_pos + 1] == quote && _text[_pos + 2] == quote)))
                {
                    _pos += triple ? 3 : 1;
                    return;
                }
                if ((c == '\n' || c == '\r') && !triple) throw Error("line break inside a single-quoted string literal");
                if (c != '\\')
                {
                    sb.Append(c);
                    _pos++;
                    continue;
                }
                if (_pos + 1 >= _text.Length) throw Error("unterminated string literal", start);
                if (raw)
                {
                    // In a raw string the backslash stays and only keeps the next character from ending the string.
                    sb.Append(c).Append(_text[_pos + 1]);
                    _pos += 2;
                    continue;
                }
                ParseEscape(sb);
            }
        }

        private void ParseEscape(StringBuilder sb)
        {
            var escapeStart = _pos;
            var e = _text[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': AppendCodePoint(sb, ReadHex(2, escapeStart), escapeStart); break;
                case 'u': AppendCodePoint(sb, ReadHex(4, escapeStart), escapeStart); break;
                case 'U': AppendCodePoint(sb, ReadHex(8, escapeStart), escapeStart); break;
                case 'N': throw Error("\\N{...} escapes are not supported; write the character itself", escapeStart);
                case >= '0' and <= '7':
                    var value = e - '0';
                    for (var i = 0; i < 2 && _pos < _text.Length && _text[_pos] is >= '0' and <= '7'; i++) value = value * 8 + (_text[_pos++] - '0');
                    AppendCodePoint(sb, value, escapeStart);
                    break;
                default:
                    // Python keeps unknown escapes as written.
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        private int ReadHex(int digits, int escapeStart)
        {
            if (_pos + digits > _text.Length
                || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw Error($"truncated \\{_text[escapeStart + 1]} escape: expected {digits} hex digits", escapeStart);
            }
            _pos += digits;
            return value;
        }

        private readonly void AppendCodePoint(StringBuilder sb, int value, int escapeStart)
        {
            if (value is < 0 or > 0x10FFFF) throw Error("escape is beyond the last Unicode code point", escapeStart);
            if (value is >= 0xD800 and <= 0xDFFF) throw Error("escape is half of a UTF-16 surrogate pair, not a character (write the character itself)", escapeStart);
            if (value < 0x10000) sb.Append((char)value);
            else sb.Append(char.ConvertFromUtf32(value));
        }

        private void SkipWhitespace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
        }

        private bool TryConsume(char c)
        {
            if (_pos < _text.Length && _text[_pos] == c)
            {
                _pos++;
                return true;
            }
            return false;
        }

        private void Expect(char c)
        {
            if (TryConsume(c)) return;
            throw Error(_pos < _text.Length ? $"expected '{c}', found '{Diagnostics.TextExcerpt.Escape(_text[_pos].ToString())}'" : $"expected '{c}', found the end of the text");
        }

        private readonly FormatException Error(string problem, int? at = null) =>
            new($"{problem} (at character {(at ?? _pos) + 1})");
    }
}
