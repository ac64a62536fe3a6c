using System.Globalization;

namespace InverseScaling.Benchmark.Baselines;

/// <summary>
/// What a baseline was measured on, against what a run was measured on: the task data, every scored model file, the
/// tokenizer files, the scoring choices (shots among them), the size measure and the examples scored (<c>--limit</c>).
/// A difference in any of them means the two results are of different measurements, which the gate does not pass unseen.
/// </summary>
internal static class ProvenanceCheck
{
    /// <summary>Examples scored on each checkpoint: the primary metric's count (the largest, should checkpoints differ).</summary>
    public static int Examples(Baseline result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Checkpoints.Max(c => c.Metrics.TryGetValue(result.PrimaryMetric, out var value) ? value.Count : 0);
    }

    /// <summary>
    /// True when <paramref name="current"/> was scored with a <c>--limit</c> that leaves it other examples than the baseline's:
    /// the two limits differ and so do the counts (a limit above a task's size scores every example).
    /// </summary>
    public static bool IsLimitedAgainst(Baseline baseline, Baseline current) =>
        current.Provenance.Limit is not null && LimitsDiffer(baseline, current);

    /// <summary>"N of M examples" for a limited run against its baseline.</summary>
    public static string LimitedCount(Baseline baseline, Baseline current)
    {
        var (n, m) = (Examples(current), Examples(baseline));
        return baseline.Provenance.Limit is null
            ? string.Create(CultureInfo.InvariantCulture, $"{n} of {m} examples")
            : string.Create(CultureInfo.InvariantCulture, $"{n} examples; the baseline's run was limited to {m}");
    }

    /// <summary>
    /// The differences that make the two results measurements of different things, each named with what changed; empty when
    /// there are none. A run limited against its baseline is left out: it is not compared at all unless asked to
    /// (<see cref="IsLimitedAgainst"/>).
    /// </summary>
    public static IReadOnlyList<string> Differences(Baseline baseline, Baseline current)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        var (a, b) = (baseline.Provenance, current.Provenance);
        var changes = new List<string>();
        if (a.TaskDataSha256 != b.TaskDataSha256) changes.Add($"the task data (sha256 {Short(a.TaskDataSha256)} → {Short(b.TaskDataSha256)})");
        if (Changed(a.TokenizerSha256, b.TokenizerSha256) is { Count: > 0 } tokenizer) changes.Add($"the tokenizer files ({string.Join(", ", tokenizer.Select(n => Diagnostics.TextExcerpt.Escape(n, 80)))})");
        var before = baseline.Checkpoints.ToDictionary(c => c.Name);
        var models = new List<string>();
        var withPast = new List<string>();
        foreach (var checkpoint in current.Checkpoints)
        {
            if (!before.TryGetValue(checkpoint.Name, out var old)) continue;
            if (old.OnnxSha256 != checkpoint.OnnxSha256) models.Add(checkpoint.Name);
            // Recorded since the baselines that name it; an older baseline without it is compared by its plain ONNX file.
            if (old.OnnxWithPastSha256 is { } then && checkpoint.OnnxWithPastSha256 != then) withPast.Add(checkpoint.Name);
        }
        if (models.Count > 0) changes.Add($"the ONNX file of {string.Join(", ", models)}");
        if (withPast.Count > 0) changes.Add($"the with-past ONNX file of {string.Join(", ", withPast)}");
        if (Changed(a.ScoringOptions, b.ScoringOptions) is { Count: > 0 } scoring)
            changes.Add($"the scoring options ({string.Join(", ", scoring.Select(name => $"{Diagnostics.TextExcerpt.Escape(name, 80)} {Show(a.ScoringOptions, name)} → {Show(b.ScoringOptions, name)}"))})");
        if (baseline.SizeMeasure != current.SizeMeasure) changes.Add($"the size measure ({baseline.SizeMeasure} → {current.SizeMeasure})");
        if (LimitsDiffer(baseline, current) && b.Limit is null)
            changes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the examples scored (the baseline's run was limited to the first {a.Limit} with --limit, {Examples(baseline)} examples; this run scored {Examples(current)})"));
        return changes;
    }

    private static bool LimitsDiffer(Baseline baseline, Baseline current) =>
        baseline.Provenance.Limit != current.Provenance.Limit && Examples(baseline) != Examples(current);

    /// <summary>Names whose value differs, or that only one side has, in ordinal order.</summary>
    private static List<string> Changed(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Keys.Union(b.Keys)
            .Where(name => !a.TryGetValue(name, out var x) || !b.TryGetValue(name, out var y) || x != y)
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Show(IReadOnlyDictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? Diagnostics.TextExcerpt.Quote(value, 80) : "(none)";

    private static string Short(string sha256) => sha256.Length > 12 ? sha256[..12] + "…" : sha256;
}
