using System.Text.Json;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Cli.Reports;

/// <summary>
/// A run folder written by hand, without scoring: a two-class task "flippy" with four examples on checkpoints a, b, c
/// (10k, 100k, 1M non-embedding parameters), its summary.json, per-example files and gate result.
/// </summary>
internal static class SyntheticRun
{
    public const string Task = "flippy";
    public static readonly (string Name, long Size)[] Checkpoints = [("a", 10_000), ("b", 100_000), ("c", 1_000_000)];

    public static readonly string[] Prompts =
    [
        "Q: first?\nA:",
        "Q: second?\nA:",
        "Q: third?\nA:",
        "Q: fourth?\nA:",
    ];
    public static readonly int[] Gold = [0, 1, 0, 1];

    /// <summary>Class log-probabilities per example: right on a for 0, 1 and 3; wrong on c for 0, 1 and 2.</summary>
    public static readonly double[][] Smallest = [[-0.1, -2.5], [-1.5, -0.4], [-1.0, -0.5], [-2.0, -0.1]];
    public static readonly double[][] Largest = [[-2.0, -0.2], [-0.5, -0.9], [-1.2, -0.3], [-3.0, -0.05]];
    /// <summary>Largest with every example right: a better family, for a baseline the run regresses against.</summary>
    public static readonly double[][] LargestAllRight = [[-0.2, -2.0], [-0.9, -0.5], [-0.3, -1.2], [-3.0, -0.05]];

    /// <summary>tasks/flippy with task.json and the data file; returns the tasks folder.</summary>
    public static string WriteTask(string root)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "tasks", Task)).FullName;
        File.WriteAllText(Path.Combine(folder, "task.json"), $$"""
            {
              "schemaVersion": 1,
              "name": "{{Task}}",
              "format": "classification",
              "data": "{{Task}}_classification.jsonl",
              "primaryMetric": "loss",
              "metrics": ["accuracy", "loss", "total_logprob"],
              "shots": 0,
              "cause": "strong-prior",
              "correctBehaviour": "Answer the question.",
              "chance": { "accuracy": 0.5, "loss": 0.6931471805599453 }
            }
            """);
        File.WriteAllLines(DataPath(root), Prompts.Select((p, i) =>
            JsonSerializer.Serialize(new { prompt = p, classes = new[] { " A", " B" }, answer_index = Gold[i] })));
        return Path.GetDirectoryName(folder)!;
    }

    public static string DataPath(string root) => Path.Combine(root, "tasks", Task, $"{Task}_classification.jsonl");

    /// <summary>The score of one two-class example from its class log-probabilities, as the prize defines it.</summary>
    public static ExampleScore Score(int index, double[] classLogProbabilities)
    {
        var total = Math.Log(Math.Exp(classLogProbabilities[0]) + Math.Exp(classLogProbabilities[1]));
        var predicted = classLogProbabilities[1] > classLogProbabilities[0] ? 1 : 0;
        return new ExampleScore(index, total - classLogProbabilities[Gold[index]], predicted == Gold[index], predicted, total, classLogProbabilities);
    }

    /// <summary>Writes a run folder of <paramref name="family"/>: b scores as a, c as <paramref name="largest"/>.</summary>
    /// <param name="take">Examples scored per checkpoint: the first ones of the four.</param>
    public static string Write(string root, string folder, string family, double[][] largest, bool gate = true,
        string sizeMeasure = SizeMeasures.NonEmbeddingParametersName, int take = 4)
    {
        var output = new RunFolder(Path.Combine(root, folder));
        var task = TaskCatalog.Load(Path.Combine(root, "tasks", Task));
        var results = new List<CheckpointTaskResult>();
        foreach (var (name, size) in Checkpoints)
        {
            var logs = name == "c" ? largest : Smallest;
            var scores = logs.Take(take).Select((l, i) => Score(i, l)).ToList();
            ExampleScoreFile.Write(output.ExamplesPath(Task, name, control: false), scores);
            results.Add(new CheckpointTaskResult(name, size, scores,
                new CheckpointMetrics(name, size, MetricAggregation.Aggregate(TaskFormat.Classification, scores)), EncodingStats.Empty));
        }
        var fit = FamilyEvaluator.Fit(task, results, ScalingOptions.Default, CancellationToken.None);
        var sha = FileHash.Sha256(task.DataPath);
        var summary = new RunSummary(family,
            new RunSettings(sizeMeasure, null, ScalingOptions.Default.Resamples, ScalingOptions.Default.Seed, SuiteInfo.Version),
            Checkpoints.Select(c => new CheckpointSummary(c.Name, c.Size, c.Size * 2, null)).ToList(),
            [new TaskSummary(Task, "classification", "strong-prior", MetricNames.Loss, sha,
                results.Select(r => new CheckpointMetricsSummary(r.Checkpoint, r.Size, r.Metrics.Metrics, r.Encoding)).ToList(),
                fit.Fits, null, null)]);
        AtomicFile.WriteAllText(output.SummaryPath, JsonSerializer.Serialize(summary, SuiteJson.Indented) + "\n");
        if (gate) output.WriteGateResult(GateResult(family, results, fit, sha));
        return output.Directory;
    }

    public static Baseline GateResult(string family, IReadOnlyList<CheckpointTaskResult> results, TaskSetResult fit, string sha) =>
        Baseline.Create(family, Task, MetricNames.Loss, SizeMeasure.NonEmbeddingParameters,
            results.Select(r => r.Metrics).ToList(),
            results.ToDictionary(r => r.Checkpoint, _ => new string('a', 64)),
            fit.Fits.Values,
            BaselineProvenance.Create(SuiteInfo.Version, sha, new Dictionary<string, string>(), ScalingOptions.Default, new Dictionary<string, string>()));
}
