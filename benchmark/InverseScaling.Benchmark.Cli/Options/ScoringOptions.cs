using System.CommandLine;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Sharding;

namespace InverseScaling.Benchmark.Cli.Options;

/// <summary>How <c>run</c> scores: <c>--limit</c>, <c>--size-measure</c>, <c>--no-controls</c>, <c>--threads</c>, <c>--shots</c> and <c>--device</c>.</summary>
internal sealed class ScoringOptions
{
    public Option<string?> Limit { get; } = new("--limit") { Description = "Score only the first N examples of each task and control set." };

    public Option<string> SizeMeasure { get; } = new("--size-measure")
    {
        Description = $"The x-axis of the scaling fit: {SizeMeasures.NonEmbeddingParametersName} or {SizeMeasures.TrainingFlopsName}.",
        DefaultValueFactory = _ => SizeMeasures.NonEmbeddingParametersName,
    };

    public Option<bool> NoControls { get; } = new("--no-controls") { Description = "Skip the tasks' control sets." };

    public Option<string?> Threads { get; } = new("--threads")
    {
        Description = "ONNX Runtime intra-op threads per model call. Default: the cores shared among the scorer's workers (one worker per core, one thread each).",
    };

    public Option<string?> Shots { get; } = new("--shots")
    {
        Description = "Few-shot variant: prepend N other examples with their gold answers (seeded, joined by three newlines). Default 0.",
    };

    public Option<string> Device { get; } = new(ExecutionDevice.Option)
    {
        Description = "ONNX Runtime execution provider: cpu, cuda, tensorrt, rocm or dml, with an optional index (cuda:1). All but cpu need ONNX Runtime's build for them.",
        DefaultValueFactory = _ => ExecutionDevice.Cpu.Name,
    };

    /// <summary>The options in the order help lists them, around <c>--baselines</c>, the gate's and the output's.</summary>
    public IEnumerable<Option> Scoring => [Limit, SizeMeasure, NoControls, Threads, Shots];

    public EvaluationOptions Bind(ParseResult parse, OptionErrors errors)
    {
        var measureName = parse.GetValue(SizeMeasure);
        var measure = SizeMeasures.TryParse(measureName);
        if (measure is null)
            errors.Add(SizeMeasure.Name, measureName, "not a size measure",
                $"use {SizeMeasures.NonEmbeddingParametersName} or {SizeMeasures.TrainingFlopsName}");
        var limit = errors.WholeNumber(Limit.Name, parse.GetValue(Limit), 1, "give the number of examples to score per task, 1 or more, or leave --limit out for all");
        var threads = errors.WholeNumber(Threads.Name, parse.GetValue(Threads), 1, "give 1 or more threads, or leave --threads out for the default");
        var shots = errors.WholeNumber(Shots.Name, parse.GetValue(Shots), 0, "give the number of demonstrations, 0 or more");
        var device = errors.Try(() => ExecutionDevice.Parse(parse.GetValue(Device)!).RequireAvailable()) ?? ExecutionDevice.Cpu;
        return new EvaluationOptions(measure ?? Scaling.SizeMeasure.NonEmbeddingParameters, limit, !parse.GetValue(NoControls), threads, Shots: shots ?? 0)
        {
            Device = device,
        };
    }
}

/// <summary><c>--shard k/n</c>: score one slice of a run spread over machines.</summary>
internal sealed class ShardOption
{
    public Option<string?> Option { get; } = new(ShardSpec.Option)
    {
        Description = "Score only shard k of n (k/n) of the (checkpoint, task) pairs, for a run spread over machines; merge combines the shards' folders.",
    };

    public ShardSpec? Bind(ParseResult parse, OptionErrors errors) =>
        parse.GetValue(Option) is { } value ? errors.Try(() => (ShardSpec?)ShardSpec.Parse(value)) : null;
}
