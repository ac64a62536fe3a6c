using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>What a run scores and how. Defaults suit a 2-core CPU machine.</summary>
/// <param name="Limit">Score only the first N examples of each task (and control set).</param>
/// <param name="IncludeControls">Also score each task's control set.</param>
/// <param name="IntraOpThreads">ONNX Runtime threads per model call; null shares every core among the scorer's workers.</param>
/// <param name="ChunkSize">Examples read, encoded and scored together.</param>
/// <param name="Shots">Few-shot variant: each example gets this many other examples with their gold answers in front (see <see cref="Tasks.FewShot"/>).</param>
/// <param name="ShotSeed">Seed for choosing the demonstrations.</param>
public sealed record EvaluationOptions(
    SizeMeasure SizeMeasure = SizeMeasure.NonEmbeddingParameters,
    int? Limit = null,
    bool IncludeControls = true,
    int? IntraOpThreads = null,
    int ChunkSize = 1024,
    int Shots = 0,
    int ShotSeed = 1234)
{
    public static EvaluationOptions Default { get; } = new();

    public ScalingOptions Scaling { get; init; } = ScalingOptions.Default;

    public LoglikelihoodScorerOptions Scorer { get; init; } = LoglikelihoodScorerOptions.ForThisMachine;

    /// <summary>ONNX Runtime's execution provider for every checkpoint; the CPU by default.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;

    /// <summary>Where scores and token ids are kept between runs; null scores everything afresh.</summary>
    public ResultCache? Cache { get; init; }
}
