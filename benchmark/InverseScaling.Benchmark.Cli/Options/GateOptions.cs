using System.CommandLine;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Cli.Commands;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Runs;

namespace InverseScaling.Benchmark.Cli.Options;

/// <summary>
/// What the gate compares against and how strictly: <c>--baselines</c>, <c>--slope-tolerance</c>, <c>--checkpoint-tolerance</c>
/// and <c>--paired-threshold</c> (over <see cref="GateTolerances.SlopeVariable"/>, <see cref="GateTolerances.CheckpointVariable"/>
/// and <see cref="PairedTolerances.ThresholdVariable"/>).
/// </summary>
internal sealed class GateOptions(string verb)
{
    public const string BaselinesName = "--baselines";
    public const string SlopeToleranceName = "--slope-tolerance";
    public const string CheckpointToleranceName = "--checkpoint-tolerance";
    public const string PairedThresholdName = "--paired-threshold";

    public Option<string?> Baselines { get; } = new(BaselinesName)
    {
        Description = verb == "report"
            ? "Baselines folder the verdicts are computed against. Default: baselines/ under the root."
            : "Baselines folder; received results are written there too. Default: baselines/ under the root.",
    };

    public Option<string?> SlopeTolerance { get; } = new(SlopeToleranceName)
    {
        Description = $"Smallest slope change (metric units per decade) the gate flags; the baseline interval's half-width is used when larger. Default {GateTolerances.DefaultMinimumSlope}, or {GateTolerances.SlopeVariable}.",
    };

    public Option<string?> CheckpointTolerance { get; } = new(CheckpointToleranceName)
    {
        Description = $"A checkpoint's tolerance in baseline standard errors. Default {GateTolerances.DefaultCheckpointStandardErrors}, or {GateTolerances.CheckpointVariable}.",
    };

    public Option<string?> PairedThreshold { get; } = new(PairedThresholdName)
    {
        Description = $"Compared example by example, a checkpoint is worse only when its mean difference also exceeds this (metric units). Default {PairedTolerances.DefaultThreshold}, or {PairedTolerances.ThresholdVariable}.",
    };

    public Option<bool> CompareLimited { get; } = new(ProvenanceGateComparer.CompareLimitedOption)
    {
        Description = "Compare a run limited with --limit with a baseline of other examples, instead of reporting it as not compared.",
    };

    public IEnumerable<Option> All => [Baselines, SlopeTolerance, CheckpointTolerance, PairedThreshold, CompareLimited];

    public GateSettings Bind(ParseResult parse, Workspace layout, OptionErrors errors)
    {
        var folder = errors.NotEmpty(BaselinesName, parse.GetValue(Baselines), "give a folder, or leave --baselines out for baselines/ under the root");
        var slope = errors.Number(SlopeToleranceName, parse.GetValue(SlopeTolerance), "give a plain number such as 0.02");
        var checkpoint = errors.Number(CheckpointToleranceName, parse.GetValue(CheckpointTolerance), "give a plain number such as 3");
        var threshold = errors.Number(PairedThresholdName, parse.GetValue(PairedThreshold), "give a plain number such as 0.002");
        var tolerances = errors.Try(() => GateTolerances.FromEnvironment()) ?? GateTolerances.Default;
        var paired = errors.Try(() => PairedTolerances.FromEnvironment()) ?? PairedTolerances.Default;
        return new GateSettings(layout.OpenBaselines(folder))
        {
            Tolerances = tolerances.With(slope, checkpoint),
            Paired = threshold is { } value ? paired with { Threshold = value } : paired,
            CompareLimited = parse.GetValue(CompareLimited),
        };
    }
}

/// <summary><c>--gate</c> and <c>--report</c>: what <c>run</c> and <c>merge</c> do with a finished result.</summary>
internal sealed class FinishOptions
{
    public Option<bool> Gate { get; } = new("--gate") { Description = "Exit 1 when any task regresses against its baseline (or has none)." };

    public Option<bool> Report { get; } = new("--report") { Description = "Also write report.html and report.md (with plots) to <out>/report/." };

    public IEnumerable<Option> All => [Gate, Report];

    public (bool Gate, bool Report) Bind(ParseResult parse) => (parse.GetValue(Gate), parse.GetValue(Report));
}
