using System.Text.Json;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>A family and task whose baseline lives at <c>&lt;family&gt;/&lt;task&gt;.verified.json</c>.</summary>
public readonly record struct BaselineKey(string Family, string Task)
{
    public override string ToString() => $"{Family}/{Task}";
}

/// <summary>
/// The <c>baselines/</c> folder: <c>&lt;family&gt;/&lt;task&gt;.verified.json</c> is the accepted result (committed), with its
/// per-example values in <c>&lt;task&gt;.verified.per-example.tsv</c> (<see cref="PerExampleBaselineFile"/>);
/// <c>&lt;task&gt;.received.json</c> and <c>&lt;task&gt;.received.per-example.tsv</c> beside them are a run's differing result
/// (git-ignored) until it is accepted.
/// </summary>
/// <param name="isSuiteCheckout">True for the suite checkout's own <c>baselines/</c>: messages then give paths and the accept
/// command from the checkout's root (<see cref="AcceptInstructions.InCheckout"/>); otherwise the received file's full path and
/// the installed tool's command (<see cref="AcceptInstructions.InFolder"/>).</param>
public sealed partial class BaselineStore(string root, bool isSuiteCheckout = false)
{
    public const string VerifiedSuffix = ".verified.json";
    public const string ReceivedSuffix = ".received.json";

    private const string RestoreFix = "restore it from git (git checkout -- <file>), or delete it, run the benchmark and accept the result";

    /// <summary>The folder that holds one sub-folder per family.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    public string VerifiedPath(string family, string task) => FilePath(family, task, VerifiedSuffix);

    public string ReceivedPath(string family, string task) => FilePath(family, task, ReceivedSuffix);

    public string VerifiedExamplesPath(string family, string task) => FilePath(family, task, PerExampleBaselineFile.VerifiedSuffix);

    public string ReceivedExamplesPath(string family, string task) => FilePath(family, task, PerExampleBaselineFile.ReceivedSuffix);

    /// <summary>Whether this is the suite checkout's own <c>baselines/</c>.</summary>
    public bool IsSuiteCheckout { get; } = isSuiteCheckout;

    /// <summary>The received file's path as messages show it: from the checkout's root (the suite's own baselines).</summary>
    public static string DisplayReceivedPath(string family, string task) => AcceptInstructions.InCheckout(family, task).ReceivedPath;

    /// <summary>The one command that accepts a task's received result in the suite checkout's own baselines.</summary>
    public static string AcceptCommand(string family, string task) => AcceptInstructions.InCheckout(family, task).Command;

    /// <summary>Where this store writes the task's received result and the command that accepts it, as messages show them.</summary>
    public AcceptInstructions Instructions(string family, string task) => IsSuiteCheckout
        ? AcceptInstructions.InCheckout(family, task)
        : AcceptInstructions.InFolder(Root, family, task);

    /// <summary>The verified baseline, or null when there is none yet.</summary>
    /// <exception cref="BenchmarkInputException">The file is corrupt, of an unknown schema version, or belongs to another family or task.</exception>
    public Baseline? TryReadVerified(string family, string task)
    {
        var path = VerifiedPath(family, task);
        return File.Exists(path) ? ReadFile(path, family, task) : null;
    }

    /// <summary>The verified per-example baseline, or null when there is none (an older baseline, or none yet).</summary>
    /// <exception cref="BenchmarkInputException">The file is malformed, of an unknown schema version, or belongs to another family or task.</exception>
    public PerExampleBaseline? TryReadVerifiedExamples(string family, string task)
    {
        var path = VerifiedExamplesPath(family, task);
        return File.Exists(path) ? PerExampleBaselineFile.Read(path, family, task) : null;
    }

    /// <summary>
    /// The verified baseline and its per-example file, each null when absent, read in that order (so a misplaced or corrupt
    /// baseline is named by its summary) and checked against each other (<see cref="BaselineIntegrity"/>).
    /// </summary>
    /// <exception cref="BenchmarkInputException">A file is corrupt, misplaced, or holds intervals or standard errors its data does not give.</exception>
    public (Baseline? Summary, PerExampleBaseline? Examples) TryReadVerifiedPair(string family, string task)
    {
        var summary = TryReadVerified(family, task);
        var examples = TryReadVerifiedExamples(family, task);
        if (summary is not null) BaselineIntegrity.Require(summary, examples, VerifiedPath(family, task));
        return (summary, examples);
    }

    /// <summary>Writes a run's per-example values to <c>&lt;task&gt;.received.per-example.tsv</c> (atomically) and returns the path.</summary>
    public string WriteReceivedExamples(PerExampleBaseline examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var path = ReceivedExamplesPath(examples.Family, examples.Task);
        PerExampleBaselineFile.Write(path, examples);
        return path;
    }

    /// <summary>Removes a leftover received per-example file; true when there was one.</summary>
    public bool DeleteReceivedExamples(string family, string task)
    {
        var path = ReceivedExamplesPath(family, task);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Writes a run's result to <c>&lt;task&gt;.received.json</c> (atomically and flushed: never half a baseline) and returns the path.</summary>
    public string WriteReceived(Baseline result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var path = ReceivedPath(result.Family, result.Task);
        AtomicFile.WriteAllText(path, Serialize(result));
        return path;
    }

    /// <summary>Removes a leftover received file (after a run that matched the baseline); true when there was one.</summary>
    public bool DeleteReceived(string family, string task)
    {
        var path = ReceivedPath(family, task);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>The tasks with a received result (summary or per-example file) waiting to be accepted (of one family, when given), in ordinal order.</summary>
    public IReadOnlyList<BaselineKey> ListReceived(string? family = null)
    {
        if (!Directory.Exists(Root)) return [];
        var families = family is null
            ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>()
            : [family];
        return families
            .Where(f => Directory.Exists(Path.Combine(Root, f)))
            .SelectMany(f => new[] { ReceivedSuffix, PerExampleBaselineFile.ReceivedSuffix }.SelectMany(suffix =>
                Directory.EnumerateFiles(Path.Combine(Root, f), "*" + suffix)
                    .Select(p => Path.GetFileName(p)[..^suffix.Length])
                    .Where(Baseline.IsValidName)
                    .Select(task => new BaselineKey(f, task))))
            .Distinct()
            .OrderBy(k => k.Family, StringComparer.Ordinal).ThenBy(k => k.Task, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The file's text: indented JSON in the baseline's fixed key order, LF line ends, a final newline.</summary>
    public static string Serialize(Baseline baseline) => JsonSerializer.Serialize(baseline, SuiteJson.Indented) + "\n";

    /// <summary>Reads a baseline file that must belong to <paramref name="family"/> and <paramref name="task"/>.</summary>
    /// <exception cref="BenchmarkInputException">The file is corrupt, of an unknown schema version, or belongs to another family or task.</exception>
    public static Baseline ReadFile(string path, string family, string task) =>
        Parse(InputFile.ReadAllText(path, InputLimits.BaselineBytes, "the baseline", RestoreFix), path, family, task);

    /// <summary>Parses a baseline's text; <paramref name="path"/> is named in errors.</summary>
    /// <exception cref="BenchmarkInputException">The text is corrupt, of an unknown schema version, or belongs to another family or task.</exception>
    public static Baseline Parse(string json, string path, string family, string task)
    {
        int version;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt(path, $"the top level is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object", line: 1, field: null);
            if (!document.RootElement.TryGetProperty("schemaVersion", out var element)
                || element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out version))
                throw new BenchmarkInputException(path, "it has no whole-number schemaVersion",
                    "restore the file from git, or run the benchmark and accept its result", field: "schemaVersion");
        }
        catch (JsonException e)
        {
            throw Corrupt(path, e);
        }

        if (JsonInput.LoneSurrogateEscape(json) is { } at)
            throw Corrupt(path, "a string holds an escaped lone UTF-16 surrogate, which is not a character", json.AsSpan(0, at).Count('\n') + 1, field: null);

        if (version != Baseline.CurrentSchemaVersion)
            throw new BenchmarkInputException(path,
                $"schema version {version} is not one this suite reads (it reads version {Baseline.CurrentSchemaVersion})",
                "run the benchmark with this suite and accept its result, or use the suite version that wrote the file",
                field: "schemaVersion");

        Baseline? baseline;
        try
        {
            baseline = JsonSerializer.Deserialize<Baseline>(json, SuiteJson.Indented);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, e);
        }

        Check(baseline!, path, family, task);
        BaselineNumbers.Require(baseline!, path);
        return baseline!.Normalized();
    }

    private string FilePath(string family, string task, string suffix)
    {
        if (!Baseline.IsValidName(family)) throw new ArgumentException($"'{family}' is not a valid family name", nameof(family));
        if (!Baseline.IsValidName(task)) throw new ArgumentException($"'{task}' is not a valid task name", nameof(task));
        var path = Path.Combine(Root, family, task + suffix);
        if (!ContainedPath.StaysInside(Root, path))
            throw new BenchmarkInputException(path, $"{family}/{task}{suffix}, or its folder, is a link that leads outside the baselines folder {TextExcerpt.Escape(Root, 200)}",
                "replace the link with the file itself: the gate reads and writes baselines only inside the baselines folder");
        return path;
    }

    private static void Check(Baseline b, string path, string family, string task)
    {
        if (b.Family is null) throw Missing(path, "family");
        if (b.Task is null) throw Missing(path, "task");
        if (b.Family != family)
            throw new BenchmarkInputException(path,
                $"it is the baseline of family '{b.Family}' but lies in the folder of family '{family}'",
                $"move it to baselines/{b.Family}/, or set family to '{family}' if it was copied on purpose", field: "family");
        if (b.Task != task)
            throw new BenchmarkInputException(path,
                $"it is the baseline of task '{b.Task}' but is named for task '{task}'",
                $"rename it to {b.Task}{VerifiedSuffix}, or set task to '{task}' if it was copied on purpose", field: "task");
        if (b.PrimaryMetric is null) throw Missing(path, "primaryMetric");
        if (SizeMeasures.TryParse(b.SizeMeasure) is null)
            throw new BenchmarkInputException(path, $"size measure '{b.SizeMeasure}' is not one this suite knows",
                $"use {SizeMeasures.NonEmbeddingParametersName} or {SizeMeasures.TrainingFlopsName}", field: "sizeMeasure");

        if (b.Checkpoints is null || b.Checkpoints.Count == 0) throw Missing(path, "checkpoints");
        var names = new HashSet<string>();
        for (var i = 0; i < b.Checkpoints.Count; i++)
        {
            var c = b.Checkpoints[i];
            var at = $"checkpoints[{i}]";
            if (c is null) throw Missing(path, at);
            if (c.Name is null) throw Missing(path, at + ".name");
            if (c.OnnxSha256 is null) throw Missing(path, at + ".onnxSha256");
            if (c.Metrics is null) throw Missing(path, at + ".metrics");
            if (!names.Add(c.Name))
                throw new BenchmarkInputException(path, $"checkpoint '{c.Name}' is listed twice", "keep one entry per checkpoint", field: at + ".name");
            if (!c.Metrics.TryGetValue(b.PrimaryMetric, out var primary) || primary is null)
                throw Missing(path, $"{at}.metrics.{b.PrimaryMetric}");
            if (c.Metrics.FirstOrDefault(m => m.Value is null) is { Key: { } empty })
                throw Missing(path, $"{at}.metrics.{empty}");
        }

        if (b.Fits is null) throw Missing(path, "fits");
        if (!b.Fits.TryGetValue(b.PrimaryMetric, out var fit) || fit is null) throw Missing(path, "fits." + b.PrimaryMetric);
        if (b.Fits.FirstOrDefault(f => f.Value is null) is { Key: { } emptyFit }) throw Missing(path, "fits." + emptyFit);

        if (b.Provenance is null) throw Missing(path, "provenance");
        if (b.Provenance.SuiteVersion is null) throw Missing(path, "provenance.suiteVersion");
        if (b.Provenance.TaskDataSha256 is null) throw Missing(path, "provenance.taskDataSha256");
        if (b.Provenance.TokenizerSha256 is null) throw Missing(path, "provenance.tokenizerSha256");
        if (b.Provenance.ScoringOptions is null) throw Missing(path, "provenance.scoringOptions");
    }

    private static BenchmarkInputException Missing(string path, string field) =>
        new(path, $"it has no {field}", "restore the file from git, or run the benchmark and accept its result", field: field);

    private static BenchmarkInputException Corrupt(string path, JsonException e) =>
        Corrupt(path, JsonInput.Reason(e), JsonInput.Line(e), JsonInput.Field(e), e);

    private static BenchmarkInputException Corrupt(string path, string reason, int? line, string? field, Exception? inner = null) =>
        new(path, $"it is not a readable baseline: {reason}", RestoreFix, line, field, inner);
}
