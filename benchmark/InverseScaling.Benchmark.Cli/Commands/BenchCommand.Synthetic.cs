using System.Diagnostics;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>bench --synthetic</c>, and the cost split, head FLOPs and memory lines every bench prints.</summary>
internal static partial class BenchCommand
{
    // A unit of 4 examples is 4 to 12 requests, too few to fill the engine's batches as a real task (hundreds of examples) does.
    private const int SyntheticLimit = 16;
    private const double MiB = 1024 * 1024;

    private static string Describe(IReadOnlyList<SyntheticDecoderShape> shapes) =>
        string.Join(", ", shapes.Select(s => F($"{s.Name}: d {s.Width}, {s.Layers} layers, V {s.Vocabulary:N0}")));

    private static IReadOnlyList<SyntheticDecoderShape>? SyntheticShapes(string set, string[]? names, OptionErrors errors)
    {
        if (!SyntheticFamily.Sets.TryGetValue(set, out var shapes))
        {
            errors.Add("--sizes", set, "not a size set of --synthetic", $"use one of {string.Join(", ", SyntheticFamily.Sets.Keys)}");
            return null;
        }
        if (names is not { Length: > 0 }) return shapes;
        var unknown = names.Where(n => shapes.All(s => s.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("--checkpoints", unknown[0], $"not a checkpoint of --sizes {set}", $"name one of {string.Join(", ", shapes.Select(s => s.Name))}");
            return null;
        }
        return shapes.Where(s => names.Contains(s.Name)).ToList();
    }

    private static int RunSynthetic(TextWriter output, IReadOnlyList<SyntheticDecoderShape> shapes, bool withPast, IReadOnlyList<BenchmarkTask> tasks, ComparisonOptions options,
        TimeSpan peakTime, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("inverse-scaling-synthetic-").FullName;
        try
        {
            var watch = Stopwatch.StartNew();
            var manifest = SyntheticFamily.Write(directory, shapes, withPast: withPast, cancellationToken: cancellationToken);
            var bytes = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Line(output, F($"synthetic family: {Describe(shapes)}; random weights, GPT-2's tokenizer, context {SyntheticFamily.Context:N0}, {(withPast ? "plain and with-past exports" : "plain exports only")}; written in {watch.Elapsed.TotalSeconds:F1} s ({bytes / MiB:N0} MiB in {directory}, removed afterwards)"));
            var family = FamilyLoader.Load(manifest, cancellationToken: cancellationToken);
            return Run(output, family, family.Checkpoints, tasks, options, peakTime, cancellationToken);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The cost split of each algorithm, the head's FLOPs at computed and at scored positions, utilization in useful FLOPs, and peak memory.</summary>
    private static void CostLines(TextWriter output, IReadOnlyList<CheckpointComparison> results, IReadOnlyList<Checkpoint> checkpoints, MatMulRate peak)
    {
        Line(output, "");
        Line(output, "cost split in GFLOP: body 2·N_nonemb per token run, head 2·d·V per position with logits, attention 4·L·d_attn per (query, visible key) pair, padding = slots run without a token (not in the totals)");
        var header = $"{"checkpoint",-10} {"algorithm",-7} {"body",9} {"head",9} {"attention",9} {"padding",9} {"head %",7} {"scored head",11} {"useful",9} {"head % of useful",16}";
        Line(output, header);
        Line(output, new string('-', header.Length));
        foreach (var result in results)
        {
            var model = DecoderCostModel.From(result.Flops);
            foreach (var (name, measurement) in new[] { ("naive", result.Naive), ("engine", result.Engine) })
            {
                var split = model.Split(measurement.Statistics, result.ScoredPositions);
                Line(output, F($"{(name == "naive" ? result.Checkpoint : ""),-10} {name,-7} {split.Body / 1e9,9:F1} {split.Head / 1e9,9:F1} {split.Attention / 1e9,9:F1} {split.Padding / 1e9,9:F1} {split.HeadShare,7:P1} {split.ScoredHead / 1e9,11:F1} {split.Useful / 1e9,9:F1} {split.ScoredHeadShare,16:P1}"));
            }
        }
        Line(output, "");
        foreach (var result in results)
        {
            var model = DecoderCostModel.From(result.Flops);
            var split = model.Split(result.Engine.Statistics, result.ScoredPositions);
            var seconds = result.Engine.Wall.TotalSeconds;
            var useful = seconds > 0 ? split.Useful / seconds / 1e9 : 0;
            var checkpoint = checkpoints.First(c => c.Name == result.Checkpoint);
            var indent = new string(' ', result.Checkpoint.Length + 4);
            var files = new[] { checkpoint.OnnxPath }.Concat(checkpoint.OnnxData).Sum(f => new FileInfo(f).Length);
            Line(output, F($"  {result.Checkpoint}: head {model.HeadPerPosition / 1e6:F1} MFLOP per position = {model.HeadToBody:F2}× a token's body; engine head at {result.Engine.Statistics.LogitPositions:N0} positions ({split.Head / 1e9:F1} GFLOP, {split.HeadShare:P1} of its FLOPs), {result.ScoredPositions:N0} scored ({split.ScoredHead / 1e9:F1} GFLOP)"));
            Line(output, F($"{indent}engine {result.Engine.GigaflopsPerSecond / peak.GigaflopsPerSecond:P1} of the peak counting the head at every position with logits, {useful / peak.GigaflopsPerSecond:P1} in useful FLOPs (body per token run + head only where scored)"));
            if (result.Memory is { } memory)
            {
                Line(output, F($"{indent}peak resident{(memory.Separate ? "" : " (process peak so far)")}: engine {memory.Engine / MiB:N0} MiB, naive {memory.Naive / MiB:N0} MiB (each with only its own model open, the engine first; model files {files / MiB:N0} MiB)"));
            }
        }
    }
}
