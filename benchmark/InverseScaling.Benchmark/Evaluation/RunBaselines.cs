using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>Turns a run's task results into <see cref="Baseline"/> records and checks them against the store.</summary>
internal static class RunBaselines
{
    /// <summary>Scoring choices that change results; recorded so a baseline names what produced it.</summary>
    public static IReadOnlyDictionary<string, string> ScoringChoices { get; } = new Dictionary<string, string>
    {
        ["continuation"] = "encoded-separately",
        ["contextWhitespace"] = "moved-to-continuation",
        ["truncation"] = "left-of-context",
        ["logSoftmax"] = "full-vocabulary-float64",
    };

    public static Baseline ToBaseline(TaskResult task, Family family, EvaluationOptions options)
    {
        var onnx = family.Checkpoints.ToDictionary(c => c.Name, c => c.Manifest.Files.Onnx.ContentSha256(c.OnnxPath, c.OnnxData, p => FileHash.Sha256(p)));
        var withPast = family.Checkpoints
            .Where(c => c.Manifest.Files.OnnxWithPast is not null && c.OnnxWithPastPath is not null)
            .ToDictionary(c => c.Name, c => c.Manifest.Files.OnnxWithPast!.ContentSha256(c.OnnxWithPastPath!, c.OnnxWithPastData, p => FileHash.Sha256(p)));
        var tokenizer = TokenizerHashes(family);
        var choices = options.Shots == 0 ? ScoringChoices
            : new Dictionary<string, string>(ScoringChoices) { ["shots"] = $"{options.Shots} (seed {options.ShotSeed})" };
        var provenance = BaselineProvenance.Create(SuiteInfo.Version, task.DataSha256, tokenizer, options.Scaling, choices, options.Limit);
        return Baseline.Create(family.Name, task.Name, task.Definition.PrimaryMetric, options.SizeMeasure,
            task.Task.Checkpoints.Select(c => c.Metrics).ToList(), onnx, task.Task.Fits.Values, provenance, withPast);
    }

    /// <summary>The task's per-example values of its primary metric, one column per checkpoint in the result's order.</summary>
    public static PerExampleBaseline ToPerExample(TaskResult task, string family, int decimals = PerExampleBaseline.DefaultDecimals)
    {
        ArgumentNullException.ThrowIfNull(task);
        return PerExampleBaseline.FromScores(family, task.Name, task.Definition.PrimaryMetric, task.DataSha256,
            task.Task.Checkpoints.Select(c => (c.Checkpoint, c.Examples)).ToList(), decimals);
    }

    /// <summary>sha256 of every tokenizer file the family uses, by file name.</summary>
    public static IReadOnlyDictionary<string, string> TokenizerHashes(Family family)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var checkpoint in family.Checkpoints)
        {
            var files = checkpoint.Manifest.Files;
            foreach (var file in new[] { files.Vocab, files.Merges, files.TokenizerJson, files.SentencePiece })
            {
                if (file is null) continue;
                var name = file.Path.Replace('\\', '/');
                hashes.TryAdd(name, file.Sha256 ?? FileHash.Sha256(Path.Combine(family.Directory, file.Path)));
            }
        }
        return hashes;
    }
}
