namespace InverseScaling.Benchmark.Baselines;

/// <summary>Where a task's received result is written and the one command that accepts it, as the gate's messages show them.</summary>
/// <param name="ReceivedPath">The received file: from the checkout's root for the suite's own baselines, else its full path.</param>
/// <param name="Command">The accept command: from the checkout's root for the suite's own baselines, else the installed tool's.</param>
public sealed record AcceptInstructions(string ReceivedPath, string Command)
{
    /// <summary>The suite checkout's own <c>baselines/</c>: paths from the checkout's root, the command line run from source.</summary>
    public static AcceptInstructions InCheckout(string family, string task) => new(
        $"baselines/{family}/{task}{BaselineStore.ReceivedSuffix}",
        $"dotnet run --project benchmark/InverseScaling.Benchmark.Cli -- accept --family {family} --task {task}");

    /// <summary>Any other baselines folder: the received file's full path, and the tool's command naming that folder, which works from any folder.</summary>
    public static AcceptInstructions InFolder(string baselines, string family, string task)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(baselines));
        return new(Path.Combine(root, family, task + BaselineStore.ReceivedSuffix),
            $"dotnet inverse-scaling accept --baselines {ShellWord(root)} --family {family} --task {task}");
    }

    /// <summary>A path as one shell word: as it is when it has only safe characters, else single-quoted.</summary>
    private static string ShellWord(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "/\\._-+:=@%,~".Contains(c))
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
