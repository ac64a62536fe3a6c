using System.Globalization;
using System.Text;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Baselines.Paired;

/// <summary>
/// The text of a paired verdict: headline, how the examples were paired, the slope with its paired change, per checkpoint
/// the baseline and new means with the paired difference, its interval and the threshold, the examples that got worst,
/// what changed since the baseline, and the accept command.
/// </summary>
internal static class PairedGateMessage
{
    /// <summary>How many characters of a prompt's end a message shows.</summary>
    public const int PromptExcerptLength = 60;

    /// <param name="prompts">Prompt text by example index, for the worst examples; an index missing here is shown without one.</param>
    /// <param name="received">The received file's path as messages show it.</param>
    public static string Write(
        GateOutcome outcome, Baseline baseline, Baseline current, PairedComparison paired,
        IReadOnlyDictionary<int, string> prompts, string received, string accept)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(paired);
        ArgumentNullException.ThrowIfNull(prompts);
        var metric = current.PrimaryMetric;
        var confidence = Percent(paired.Confidence);
        var text = new StringBuilder();
        GateMessage.AppendHeadline(text, current, outcome, ", example by example",
            Reasons(paired, Movement.Worse), Reasons(paired, Movement.Better), "example by example");
        text.Append($"Paired: {paired.Examples} example{(paired.Examples == 1 ? "" : "s")} scored on both sides; {confidence} intervals " +
            $"(a {Percent(paired.Tolerances.FalseAlarmRate)} false-alarm rate per task split over {paired.Comparisons} comparisons).\n");

        if (paired.Slope is { } slope)
        {
            GateMessage.AppendFits(text, current, baseline.PrimaryFit, current.PrimaryFit, Signed);
            text.Append($"  change    {Signed(slope.Change.Mean)} {Interval(slope.Change)} {Word(slope.Movement)} " +
                $"(paired bootstrap over the examples; tolerance {Setting(slope.Tolerance)})\n");
        }

        text.Append($"{metric} per checkpoint, new − baseline on the same examples (threshold {Setting(paired.Tolerances.Threshold)}):\n");
        AppendTable(text, paired.Checkpoints, confidence);

        if (outcome == GateOutcome.Regressed && paired.WorstExamples.Count > 0)
        {
            text.Append($"The {paired.WorstExamples.Count} example{(paired.WorstExamples.Count == 1 ? "" : "s")} that got worst:\n");
            foreach (var example in paired.WorstExamples)
            {
                var prompt = prompts.TryGetValue(example.Index, out var p) ? "  " + Excerpt(p) : "";
                text.Append($"  #{example.Index.ToString(CultureInfo.InvariantCulture)} on {example.Checkpoint}: " +
                    $"{Plain(example.Baseline)} → {Plain(example.Current)} ({Signed(example.Difference)}){prompt}\n");
            }
        }

        if (GateMessage.Changes(baseline, current) is { Count: > 0 } changes)
            text.Append($"Changed since the baseline: {string.Join("; ", changes)}.\n");

        if (outcome == GateOutcome.Pass) return text.ToString().TrimEnd('\n');
        text.Append($"Accept this result as the new baseline (the run writes it to {received}):\n  {accept}");
        return text.ToString();
    }

    /// <summary>The end of a prompt (where the question is), escaped and quoted; "…" marks a cut.</summary>
    public static string Excerpt(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Length <= PromptExcerptLength) return TextExcerpt.Quote(prompt, PromptExcerptLength);
        var start = prompt.Length - PromptExcerptLength;
        if (char.IsLowSurrogate(prompt[start])) start++;
        return "\"…" + TextExcerpt.Escape(prompt[start..], PromptExcerptLength * 2) + "\"";
    }

    private static IEnumerable<string> Reasons(PairedComparison paired, Movement way)
    {
        var word = way == Movement.Worse ? "worse" : "better";
        var moved = paired.Checkpoints.Where(c => c.Movement == way).Select(c => c.Checkpoint).ToArray();
        if (moved.Length == 1) yield return $"checkpoint {moved[0]} is {word}";
        if (moved.Length > 1) yield return $"checkpoints {string.Join(", ", moved)} are {word}";
        if (paired.Slope?.Movement == way) yield return $"the slope is {word}";
    }

    private static void AppendTable(StringBuilder text, IReadOnlyList<PairedCheckpoint> checkpoints, string confidence)
    {
        string[] header = ["checkpoint", "baseline", "new", "difference", $"{confidence} interval"];
        var rows = checkpoints
            .Select(c => new[]
            {
                c.Checkpoint, Plain(c.BaselineMean), Plain(c.CurrentMean), Signed(c.Difference.Mean), Interval(c.Difference), Word(c.Movement),
            })
            .ToArray();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        foreach (var row in rows.Prepend([.. header, ""]))
        {
            var line = "  " + row[0].PadRight(widths[0]);
            for (var i = 1; i < header.Length; i++) line += "  " + (i == header.Length - 1 ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i]));
            line += "  " + (row[^1] == "within" ? "" : row[^1]);
            text.Append(line.TrimEnd()).Append('\n');
        }
    }

    private static string Interval(PairedEstimate estimate) => estimate.HasInterval
        ? $"[{Signed(estimate.Low)}, {Signed(estimate.High)}]"
        : "none (one example)";

    private static string Word(Movement movement) => movement switch
    {
        Movement.Worse => "worse",
        Movement.Better => "better",
        _ => "within",
    };

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Plain(double value) => GateMessage.Plain(value);

    /// <summary>Signed, four decimals; an exact zero (an unchanged checkpoint) as "0".</summary>
    private static string Signed(double value) => value == 0 ? "0" : GateMessage.Signed(value);

    private static string Setting(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
