using System.Runtime.CompilerServices;
using System.Text;

namespace InverseScaling.Benchmark.Tests.Snapshots;

/// <summary>
/// Text snapshots by Verify's convention, as the baselines keep them: the expected text is committed beside the test's
/// source file as <c>&lt;TestFile&gt;.&lt;name&gt;.verified.txt</c> (UTF-8, LF). On a mismatch, or when there is none yet, the
/// actual text is written beside it as <c>.received.txt</c> (git-ignored) and the test fails naming both files and the
/// first differing line. To accept a deliberate change, run the tests with
/// <c>INVERSE_SCALING_ACCEPT_SNAPSHOTS=1</c>: each received text then overwrites its verified file.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "INVERSE_SCALING_ACCEPT_SNAPSHOTS";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Compares <paramref name="actual"/> with the snapshot <paramref name="name"/> of the calling test file.</summary>
    public static void Verify(string actual, string name, [CallerFilePath] string sourceFile = "")
    {
        ArgumentNullException.ThrowIfNull(actual);
        var stem = Path.Combine(Path.GetDirectoryName(sourceFile)!, $"{Path.GetFileNameWithoutExtension(sourceFile)}.{name}");
        var (verified, received) = (stem + ".verified.txt", stem + ".received.txt");
        actual = actual.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        var expected = File.Exists(verified) ? File.ReadAllText(verified, Utf8) : null;
        if (expected == actual || Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            if (expected != actual) File.WriteAllText(verified, actual, Utf8);
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual, Utf8);
        Assert.Fail(expected is null
            ? $"no snapshot yet: {verified}. The text is in {received}; check it, then accept it with {AcceptVariable}=1 dotnet test."
            : $"the text differs from {verified} {FirstDifference(expected, actual)}. The new text is in {received}; " +
              $"if the change is deliberate, accept it with {AcceptVariable}=1 dotnet test.");
    }

    /// <summary>Replaces each machine-dependent value (a temp folder, the checkout's path, the suite's version) by its placeholder.</summary>
    public static string Scrub(string text, params (string Value, string Placeholder)[] replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        foreach (var (value, placeholder) in replacements.OrderByDescending(r => r.Value.Length))
        {
            text = text.Replace(value, placeholder, StringComparison.Ordinal);
        }
        return text;
    }

    private static string FirstDifference(string expected, string actual)
    {
        var (e, a) = (expected.Split('\n'), actual.Split('\n'));
        var line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line]) line++;
        return $"at line {line + 1}: expected \"{(line < e.Length ? e[line] : "")}\", received \"{(line < a.Length ? a[line] : "")}\"";
    }
}
