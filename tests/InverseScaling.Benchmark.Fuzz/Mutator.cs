using System.Text;
using InverseScaling.Benchmark.Randomness;

namespace InverseScaling.Benchmark.Fuzz;

/// <summary>
/// Turns seed files into hostile variants, one to four mutations stacked: bit flips, interesting bytes and tokens (quotes,
/// escapes, line ends, NaN, lone surrogates, huge numbers), deleted, duplicated or spliced ranges, truncation, repeated lines.
/// Every choice is drawn from <see cref="SplitMix64"/>, so a seed number reproduces an input exactly.
/// </summary>
public sealed class Mutator(IReadOnlyList<byte[]> seeds, ulong seed)
{
    /// <summary>No input grows past this, so one mutation cannot turn the run into a memory test.</summary>
    public const int MaxInputBytes = 256 << 10;

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\"", "\\", "\n", "\r\n", "\r", ",", "[", "]", "{", "}", ":", "null", "true", "false", "NaN", "Infinity", "-Infinity",
            "-1", "0", "1e309", "-1e309", "2147483648", "9223372036854775808", "1.7976931348623157e308", "\\ud800", "\\udc00",
            "\\u0000", "\\n", "'", "\"\"", "\t", " ", "[' a', ' b']", "\"classes\"", "\"prompt\"", "\"answer_index\"",
            "\"schemaVersion\"", "\"path\"", "\"sha256\"", "../", "/etc/passwd", "#version: 0.2", "\"\"\"", "\\x", "\\U0010FFFF",
            "\u2028", "::error::", "\"other_prompt\"", "\"completion\"", "\"checkpoints\"", "\"files\"", "\"name\"",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00], [0x7F],
    ];

    private SplitMix64 _random = new(seed);

    /// <summary>The next input: a seed, mutated.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(seeds[_random.NextIndex(seeds.Count)]);
        var count = 1 + _random.NextIndex(4);
        for (var i = 0; i < count; i++) Mutate(data);
        if (data.Count > MaxInputBytes) data.RemoveRange(MaxInputBytes, data.Count - MaxInputBytes);
        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        if (data.Count == 0)
        {
            data.AddRange(Tokens[_random.NextIndex(Tokens.Length)]);
            return;
        }
        var at = _random.NextIndex(data.Count);
        switch (_random.NextIndex(10))
        {
            case 0:
                data[at] ^= (byte)(1 << _random.NextIndex(8));
                break;
            case 1:
            case 2:
                data.InsertRange(at, Tokens[_random.NextIndex(Tokens.Length)]);
                break;
            case 3:
            {
                var token = Tokens[_random.NextIndex(Tokens.Length)];
                var length = Math.Min(token.Length, data.Count - at);
                data.RemoveRange(at, length);
                data.InsertRange(at, token);
                break;
            }
            case 4:
                data.RemoveRange(at, 1 + _random.NextIndex(Math.Min(64, data.Count - at)));
                break;
            case 5:
            {
                var length = 1 + _random.NextIndex(Math.Min(256, data.Count - at));
                data.InsertRange(_random.NextIndex(data.Count), data.GetRange(at, length));
                break;
            }
            case 6:
            {
                var other = seeds[_random.NextIndex(seeds.Count)];
                if (other.Length == 0) break;
                var from = _random.NextIndex(other.Length);
                var length = 1 + _random.NextIndex(Math.Min(512, other.Length - from));
                data.InsertRange(at, other.AsSpan(from, length).ToArray());
                break;
            }
            case 7:
                data.RemoveRange(at, data.Count - at);
                break;
            case 8:
                RepeatLine(data, at);
                break;
            default:
                ReplaceNumber(data, at);
                break;
        }
    }

    /// <summary>Repeats the line around <paramref name="at"/> up to 50 times.</summary>
    private void RepeatLine(List<byte> data, int at)
    {
        var start = data.LastIndexOf((byte)'\n', at) + 1;
        var end = data.IndexOf((byte)'\n', at);
        end = end < 0 ? data.Count : end + 1;
        var line = data.GetRange(start, end - start);
        if (line.Count == 0 || line[^1] != (byte)'\n') line.Add((byte)'\n');
        var times = 1 + _random.NextIndex(50);
        for (var i = 0; i < times && data.Count < MaxInputBytes; i++) data.InsertRange(end, line);
    }

    /// <summary>Replaces the run of digits at or after <paramref name="at"/> with an interesting number.</summary>
    private void ReplaceNumber(List<byte> data, int at)
    {
        var start = at;
        while (start < data.Count && !char.IsAsciiDigit((char)data[start])) start++;
        if (start == data.Count) return;
        var end = start;
        while (end < data.Count && (char.IsAsciiDigit((char)data[end]) || data[end] is (byte)'.' or (byte)'e' or (byte)'-' or (byte)'+')) end++;
        string[] numbers = ["0", "-0", "-1", "1e309", "NaN", "Infinity", "2147483647", "2147483648", "-2147483649", "1e-400", "0.5", "99999999999999999999", "1.5"];
        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.ASCII.GetBytes(numbers[_random.NextIndex(numbers.Length)]));
    }
}
