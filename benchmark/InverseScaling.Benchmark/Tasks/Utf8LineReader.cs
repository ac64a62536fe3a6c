using System.Buffers;
using System.Text;
using System.Text.Unicode;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>
/// Reads LF-terminated UTF-8 lines with a hard cap on line length, so a file with one huge line is refused
/// after reading at most the cap. Refuses a byte-order mark, CRLF line ends and invalid UTF-8.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly string _file;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private byte[] _line = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _lineLength;
    private int _start;
    private int _end;
    private bool _eof;

    public Utf8LineReader(Stream stream, string file, int maxLineBytes)
    {
        _stream = stream;
        _file = file;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Whether the line last returned ended with a line feed.</summary>
    public bool LineTerminated { get; private set; }

    /// <summary>The next line without its line feed, valid until the next call.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        _lineLength = 0;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                if (_lineLength == 0)
                {
                    line = default;
                    return false;
                }
                LineTerminated = false;
                break;
            }

            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var segment = newline >= 0 ? available[..newline] : available;
            Append(segment);
            _start += segment.Length;
            if (newline >= 0)
            {
                _start++;
                LineTerminated = true;
                break;
            }
        }

        LineNumber++;
        line = _line.AsSpan(0, _lineLength);
        Check(line);
        return true;
    }

    /// <summary>The next line decoded to a string.</summary>
    public bool TryReadLine(out string line)
    {
        if (!TryReadLine(out ReadOnlySpan<byte> bytes))
        {
            line = "";
            return false;
        }
        line = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private bool Fill()
    {
        if (_eof) return false;
        _start = 0;
        _end = _stream.Read(_buffer, 0, _buffer.Length);
        if (_end == 0) _eof = true;
        return _end > 0;
    }

    private void Append(ReadOnlySpan<byte> segment)
    {
        var needed = _lineLength + segment.Length;
        if (needed > _maxLineBytes)
        {
            throw new BenchmarkInputException(_file,
                $"line is longer than {_maxLineBytes:N0} bytes",
                "each example must be on one line of at most 1 MiB; check that the file is JSON Lines / CSV and not one huge record",
                LineNumber + 1);
        }
        if (needed > _line.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, _line.Length * 2), _maxLineBytes));
            _line.AsSpan(0, _lineLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_line);
            _line = bigger;
        }
        segment.CopyTo(_line.AsSpan(_lineLength));
        _lineLength = needed;
    }

    private void Check(ReadOnlySpan<byte> line)
    {
        if (LineNumber == 1 && line.StartsWith("\uFEFF"u8))
        {
            throw new BenchmarkInputException(_file, "the file starts with a UTF-8 byte-order mark",
                "save the file as UTF-8 without a byte-order mark", LineNumber);
        }
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            throw new BenchmarkInputException(_file, "the line ends with CRLF (Windows line ends)",
                "convert the file to LF line ends (for example with dos2unix)", LineNumber);
        }
        if (!Utf8.IsValid(line))
        {
            throw new BenchmarkInputException(_file, $"invalid UTF-8 at byte {FirstInvalidByte(line) + 1} of the line",
                "save the file as UTF-8", LineNumber);
        }
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> line)
    {
        var offset = 0;
        while (offset < line.Length)
        {
            if (Rune.DecodeFromUtf8(line[offset..], out _, out var consumed) != OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_line);
    }
}
