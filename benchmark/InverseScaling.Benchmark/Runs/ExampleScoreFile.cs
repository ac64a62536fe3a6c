using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Runs;

/// <summary>
/// Per-example scores on disk (<c>examples/&lt;task&gt;/&lt;checkpoint&gt;[.control].jsonl</c>): one <see cref="ExampleScore"/>
/// per line, compact JSON, LF-terminated, in example order. The one reader and writer of the format.
/// </summary>
internal static class ExampleScoreFile
{
    private const string Fix = "run the benchmark again to rewrite the folder";

    /// <summary>Writes the scores atomically; returns the file's line count and sha256.</summary>
    public static (int Count, string Sha256) Write(string path, IEnumerable<ExampleScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var count = 0;
        AtomicFile.Write(path, stream =>
        {
            foreach (var score in scores)
            {
                stream.Write(JsonSerializer.SerializeToUtf8Bytes(score, SuiteJson.Compact));
                stream.WriteByte((byte)'\n');
                count++;
            }
        });
        return (count, FileHash.Sha256(path));
    }

    /// <summary>The file's text, as <see cref="Write"/> writes it.</summary>
    public static string Format(IEnumerable<ExampleScore> scores) =>
        string.Concat(scores.Select(s => JsonSerializer.Serialize(s, SuiteJson.Compact) + "\n"));

    /// <summary>Reads every score of the file; empty lines are skipped.</summary>
    /// <exception cref="BenchmarkInputException">A line is not a readable example score, or the file is not a regular, bounded file.</exception>
    public static ExampleScoreColumns Read(string path, CancellationToken cancellationToken = default)
    {
        var scores = new ExampleScoreColumns();
        using var stream = InputFile.OpenRead(path, InputLimits.TaskFileBytes, "the per-example scores file", Fix);
        using var lines = new Utf8LineReader(stream, path, InputLimits.LineBytes);
        while (lines.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (line.IsEmpty) continue;
            if ((lines.LineNumber & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            try
            {
                scores.Add(JsonSerializer.Deserialize<ExampleScore>(line, SuiteJson.Compact) ?? throw new JsonException("the line is null"));
            }
            catch (JsonException e)
            {
                throw new BenchmarkInputException(path, $"it is not a readable example score: {JsonInput.Reason(e)}", Fix,
                    lines.LineNumber, JsonInput.Field(e), e);
            }
        }
        return scores.TrimExcess();
    }
}
