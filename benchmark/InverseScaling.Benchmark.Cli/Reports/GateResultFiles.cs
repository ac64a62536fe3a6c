using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Reports;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Cli.Reports;

/// <summary>
/// <c>gate/&lt;task&gt;.json</c> in a run's output folder: the run's result in baseline form, exactly what the gate
/// compared with <c>baselines/&lt;family&gt;/&lt;task&gt;.verified.json</c>. A report reads it to give the same verdicts later.
/// </summary>
internal static class GateResultFiles
{
    public const string FolderName = "gate";

    public static string PathOf(string outDirectory, string task) => Path.Combine(outDirectory, FolderName, task + ".json");

    public static void Write(string outDirectory, Baseline result) =>
        AtomicFile.WriteAllText(PathOf(outDirectory, result.Task), BaselineStore.Serialize(result));
}
