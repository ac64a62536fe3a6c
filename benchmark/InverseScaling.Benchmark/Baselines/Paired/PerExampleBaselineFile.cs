using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>
/// The per-example sidecar of a baseline, <c>&lt;task&gt;.verified.per-example.tsv</c> (and <c>.received.per-example.tsv</c>):
/// UTF-8 text, LF line ends, tab-separated. Comment lines (<c>#</c>) may precede the header; the header is six
/// <c>key&lt;TAB&gt;value</c> lines in this order: <c>schemaVersion</c>, <c>family</c>, <c>task</c>, <c>metric</c>,
/// <c>taskDataSha256</c>, <c>decimals</c>; then the column line <c>index&lt;TAB&gt;checkpoint…</c>; then one row per example,
/// its index and its value on each checkpoint, rounded to <c>decimals</c> places and written without exponent or trailing
/// zeros. The name sorts after <c>&lt;task&gt;.verified.json</c>, so a diff shows the summary first.
/// </summary>
internal static class PerExampleBaselineFile
{
    public const string VerifiedSuffix = ".verified.per-example.tsv";
    public const string ReceivedSuffix = ".received.per-example.tsv";

    private const string What = "the per-example baseline";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private const string Fix = "restore it from git (git checkout -- <file>), or delete it, run the benchmark and accept the result";
    private static readonly string[] HeaderKeys = ["schemaVersion", "family", "task", "metric", "taskDataSha256", "decimals"];

    /// <summary>The file's text.</summary>
    public static string Format(PerExampleBaseline baseline)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        WriteTo(text, baseline);
        return text.ToString();
    }

    /// <summary>Writes the file whole or not at all (<see cref="AtomicFile"/>), streamed row by row.</summary>
    public static void Write(string path, PerExampleBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true);
            WriteTo(writer, baseline);
        });
    }

    private static void WriteTo(TextWriter text, PerExampleBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        text.Write($"# Per-example {baseline.Metric} behind {baseline.Task}.verified.json (the summary). The gate pairs each example of a run with its row.\n");
        text.Write($"schemaVersion\t{baseline.SchemaVersion.ToString(CultureInfo.InvariantCulture)}\n");
        text.Write($"family\t{baseline.Family}\n");
        text.Write($"task\t{baseline.Task}\n");
        text.Write($"metric\t{baseline.Metric}\n");
        text.Write($"taskDataSha256\t{baseline.TaskDataSha256}\n");
        text.Write($"decimals\t{baseline.Decimals.ToString(CultureInfo.InvariantCulture)}\n");
        text.Write("index");
        foreach (var checkpoint in baseline.Checkpoints) text.Write('\t' + checkpoint);
        text.Write('\n');
        var format = baseline.Decimals == 0 ? "0" : "0." + new string('#', baseline.Decimals);
        for (var i = 0; i < baseline.Indices.Count; i++)
        {
            text.Write(baseline.Indices[i].ToString(CultureInfo.InvariantCulture));
            foreach (var column in baseline.Values)
            {
                text.Write('\t');
                text.Write(PerExampleBaseline.Round(column[i], baseline.Decimals).ToString(format, CultureInfo.InvariantCulture));
            }
            text.Write('\n');
        }
    }

    /// <summary>Reads a sidecar that must belong to <paramref name="family"/> and <paramref name="task"/>.</summary>
    /// <exception cref="BenchmarkInputException">The file is missing, too large, malformed, of an unknown schema version, or belongs to another family or task.</exception>
    public static PerExampleBaseline Read(string path, string family, string task) =>
        Parse(InputFile.ReadAllText(path, InputLimits.BaselineBytes, What, Fix), path, family, task);

    /// <summary>Parses a sidecar's text; <paramref name="path"/> is named in errors.</summary>
    /// <exception cref="BenchmarkInputException">The text is malformed, of an unknown schema version, or belongs to another family or task.</exception>
    public static PerExampleBaseline Parse(string text, string path, string family, string task)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var at = 0;
        while (at < lines.Length && lines[at].StartsWith('#')) at++;

        var header = new string[HeaderKeys.Length];
        var headerAt = new int[HeaderKeys.Length];
        for (var k = 0; k < HeaderKeys.Length; k++, at++)
        {
            var fields = Fields(lines, at);
            if (fields is null || fields[0] != HeaderKeys[k])
                throw Error(path, $"line {at + 1} should be the header line '{HeaderKeys[k]}<TAB>value'", at, HeaderKeys[k]);
            if (fields.Length != 2 || fields[1].Length == 0)
                throw Error(path, $"the header line '{HeaderKeys[k]}' needs exactly one value after a tab", at, HeaderKeys[k]);
            (header[k], headerAt[k]) = (fields[1], at);
        }
        var (versionText, familyName, taskName, metric, sha256, decimalsText) = (header[0], header[1], header[2], header[3], header[4], header[5]);

        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw Error(path, $"schemaVersion is {TextExcerpt.Quote(versionText)}, not a whole number", headerAt[0], "schemaVersion");
        if (version != PerExampleBaseline.CurrentSchemaVersion)
            throw new BenchmarkInputException(path,
                $"schema version {version} is not one this suite reads (it reads version {PerExampleBaseline.CurrentSchemaVersion})",
                "run the benchmark with this suite and accept its result, or use the suite version that wrote the file",
                headerAt[0] + 1, "schemaVersion");
        if (familyName != family)
            throw new BenchmarkInputException(path,
                $"it holds the examples of family {TextExcerpt.Quote(familyName)} but lies in the folder of family '{family}'",
                "move it to the folder of its family, or restore it from git", headerAt[1] + 1, "family");
        if (taskName != task)
            throw new BenchmarkInputException(path,
                $"it holds the examples of task {TextExcerpt.Quote(taskName)} but is named for task '{task}'",
                "rename it after its task, or restore it from git", headerAt[2] + 1, "task");
        if (!Baseline.IsValidName(metric))
            throw Error(path, $"metric {TextExcerpt.Quote(metric)} is not a metric name", headerAt[3], "metric");
        if (!FileHash.IsSha256(sha256))
            throw Error(path, $"taskDataSha256 {TextExcerpt.Quote(sha256)} is not 64 hexadecimal digits", headerAt[4], "taskDataSha256");
        if (!int.TryParse(decimalsText, NumberStyles.None, CultureInfo.InvariantCulture, out var decimals) || decimals > PerExampleBaseline.MaximumDecimals)
            throw Error(path, $"decimals is {TextExcerpt.Quote(decimalsText)}, not a whole number from 0 to {PerExampleBaseline.MaximumDecimals}", headerAt[5], "decimals");

        var columns = Fields(lines, at);
        if (columns is null || columns[0] != "index" || columns.Length < 2)
            throw Error(path, "the line after the header should name the columns: index<TAB>checkpoint<TAB>…", at, "index");
        var checkpoints = columns[1..];
        var unique = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in checkpoints)
        {
            if (!Baseline.IsValidName(name)) throw Error(path, $"checkpoint {TextExcerpt.Quote(name)} is not a valid checkpoint name", at, "index");
            if (!unique.Add(name)) throw Error(path, $"checkpoint '{name}' has two columns", at, name);
        }
        at++;

        var indices = new List<int>();
        var values = checkpoints.Select(_ => new List<double>()).ToArray();
        for (; at < lines.Length; at++)
        {
            if (lines[at].Length == 0 || lines[at] == "\r")
            {
                if (lines.Skip(at + 1).All(l => l.Length == 0 || l == "\r")) break;
                throw Error(path, "an empty line lies between the rows", at, null);
            }
            var fields = Fields(lines, at)!;
            if (fields.Length != columns.Length)
                throw Error(path, $"the row has {fields.Length} fields, the column line {columns.Length}", at, null);
            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw Error(path, $"the example index {TextExcerpt.Quote(fields[0])} is not a whole number zero or more", at, "index");
            if (indices.Count > 0 && index <= indices[^1])
                throw Error(path, $"example index {index} does not follow {indices[^1]}: rows must be in increasing index order, each once", at, "index");
            indices.Add(index);
            for (var j = 0; j < checkpoints.Length; j++)
            {
                var field = fields[j + 1];
                if (!double.TryParse(field, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                    || !double.IsFinite(value))
                    throw Error(path, $"the value {TextExcerpt.Quote(field)} of example {index} is not a finite decimal number", at, checkpoints[j]);
                values[j].Add(value);
            }
        }
        if (indices.Count == 0) throw Error(path, "it has no example rows", Math.Min(at, lines.Length - 1), null);

        return PerExampleBaseline.Create(familyName, taskName, metric, sha256, checkpoints, indices, values, decimals);
    }

    /// <summary>The tab-separated fields of line <paramref name="at"/> (a trailing CR dropped), or null past the end.</summary>
    private static string[]? Fields(string[] lines, int at)
    {
        if (at >= lines.Length) return null;
        var line = lines[at];
        if (line.EndsWith('\r')) line = line[..^1];
        return line.Split('\t');
    }

    /// <param name="at">0-based line index.</param>
    private static BenchmarkInputException Error(string path, string problem, int at, string? field) =>
        new(path, $"it is not a readable {What}: {problem}", Fix, at + 1, field);
}
