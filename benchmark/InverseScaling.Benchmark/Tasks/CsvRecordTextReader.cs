using System.Text;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>
/// Feeds a CSV file's validated lines to CsvHelper, putting back the line feeds, and bounds each record: a quoted field
/// may span lines, so the line limit alone would let one record run to the end of the file. Records are found with the
/// RFC 4180 rules CsvHelper parses by (a field that starts with a quote runs to the quote that is not doubled), and a
/// record longer than the limit is refused after reading at most that many bytes of it.
/// </summary>
internal sealed class CsvRecordTextReader(Utf8LineReader lines, string file, int maxRecordBytes) : TextReader
{
    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private string _current = "";
    private int _position;
    private bool _done;
    private State _state = State.FieldStart;
    private long _recordBytes;
    private int _recordLine;

    private bool Ensure()
    {
        while (_position >= _current.Length)
        {
            if (_done || !lines.TryReadLine(out ReadOnlySpan<byte> line))
            {
                _done = true;
                return false;
            }
            Track(line);
            var text = Encoding.UTF8.GetString(line);
            _current = lines.LineTerminated ? text + "\n" : text;
            _position = 0;
        }
        return true;
    }

    /// <summary>Follows the quoting state through one line and counts the bytes of the record it belongs to.</summary>
    private void Track(ReadOnlySpan<byte> line)
    {
        if (_state == State.FieldStart && _recordBytes == 0) _recordLine = lines.LineNumber;
        _recordBytes += line.Length;
        if (_recordBytes > maxRecordBytes)
        {
            throw new BenchmarkInputException(file,
                $"the CSV record that starts on this line is longer than {maxRecordBytes:N0} bytes (a quoted field is still open after {lines.LineNumber - _recordLine + 1:N0} lines)",
                "close every quoted field with a quote; each example must be one record of at most 1 MiB", _recordLine);
        }
        foreach (var b in line)
        {
            _state = (_state, b) switch
            {
                (State.FieldStart, (byte)'"') => State.Quoted,
                (State.FieldStart or State.Unquoted, (byte)',') => State.FieldStart,
                (State.FieldStart, _) => State.Unquoted,
                (State.Quoted, (byte)'"') => State.QuoteInQuoted,
                (State.QuoteInQuoted, (byte)'"') => State.Quoted,
                (State.QuoteInQuoted, (byte)',') => State.FieldStart,
                (State.QuoteInQuoted, _) => State.Unquoted,
                var (same, _) => same,
            };
        }
        // A line feed inside a quoted field continues the record; anywhere else it ends it.
        if (_state == State.Quoted)
        {
            _recordBytes++;
        }
        else
        {
            _state = State.FieldStart;
            _recordBytes = 0;
        }
    }

    public override int Peek() => Ensure() ? _current[_position] : -1;

    public override int Read() => Ensure() ? _current[_position++] : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var written = 0;
        while (written < buffer.Length && Ensure())
        {
            var take = Math.Min(buffer.Length - written, _current.Length - _position);
            _current.AsSpan(_position, take).CopyTo(buffer[written..]);
            _position += take;
            written += take;
        }
        return written;
    }
}
