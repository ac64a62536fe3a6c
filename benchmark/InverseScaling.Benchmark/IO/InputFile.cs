using System.Text;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.IO;

/// <summary>
/// Opens the files a user hands the suite: only regular files (after following links), of bounded size, with one clear
/// error when the file is missing, is a folder, pipe or device, or is too large.
/// </summary>
internal static class InputFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="what">What the file is, for messages ("the family manifest").</param>
    /// <param name="fix">How to fix a missing file.</param>
    /// <exception cref="BenchmarkInputException">Missing, not a regular file, or larger than <paramref name="maxBytes"/>.</exception>
    public static FileStream OpenRead(string path, long maxBytes, string what, string fix)
    {
        var target = Target(path);
        var problem = Problem(target, maxBytes, what);
        if (problem is not null)
            throw new BenchmarkInputException(path, problem.Value.Text, problem.Value.Kind is ProblemKind.Missing or ProblemKind.Folder ? fix : problem.Value.Fix);
        return new FileStream(target.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    /// <summary>
    /// Checks a file another file names (a manifest's tokenizer, a card's data) before anything reads it: it exists, is a
    /// regular file after links, and is at most <paramref name="maxBytes"/>. Errors name <paramref name="namedBy"/> and
    /// <paramref name="field"/>, where the path was written.
    /// </summary>
    /// <param name="shown">How messages show the path (an escaped excerpt of what the file wrote).</param>
    /// <exception cref="BenchmarkInputException">Missing, a folder, not a regular file, or too large.</exception>
    public static void Check(string path, long maxBytes, string namedBy, string? field, string shown)
    {
        if (Problem(Target(path), maxBytes, shown) is { } problem)
            throw new BenchmarkInputException(namedBy, problem.Text,
                problem.Kind == ProblemKind.Missing ? "put the file there, or fix the path" : problem.Fix, field: field);
    }

    private enum ProblemKind { Missing, Folder, Special, TooLarge }

    private static FileInfo Target(string path)
    {
        var info = new FileInfo(path);
        try
        {
            return info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
        }
        catch (IOException)
        {
            return info; // a loop of links: reported as missing below
        }
    }

    private static (ProblemKind Kind, string Text, string Fix)? Problem(FileInfo target, long maxBytes, string what)
    {
        if (Directory.Exists(target.FullName)) return (ProblemKind.Folder, $"{what} is a folder, not a file", "give the path of a file");
        if (!target.Exists) return (ProblemKind.Missing, $"{what} does not exist", "");
        if (!IsRegular(target)) return (ProblemKind.Special, $"{what} is not a regular file (a pipe, socket or device)", "give the path of an ordinary file");
        if (target.Length > maxBytes)
            return (ProblemKind.TooLarge, $"{what} is {target.Length:N0} bytes, more than the {maxBytes:N0} this suite reads",
                "check that the path names the right file; the limits are listed in docs/reliability.md");
        return null;
    }

    /// <summary>Reads a whole UTF-8 text file of at most <paramref name="maxBytes"/>; invalid UTF-8 is an input error.</summary>
    public static string ReadAllText(string path, long maxBytes, string what, string fix)
    {
        using var stream = OpenRead(path, maxBytes, what, fix);
        var bytes = ReadBounded(stream, maxBytes, path, what);
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException e)
        {
            throw new BenchmarkInputException(path, $"{what} is not valid UTF-8 (at byte {e.Index})", "save the file as UTF-8", inner: e);
        }
    }

    /// <summary>Reads a whole file of at most <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what, string fix)
    {
        using var stream = OpenRead(path, maxBytes, what, fix);
        return ReadBounded(stream, maxBytes, path, what);
    }

    /// <summary>
    /// A regular file: Unix reports pipes, sockets and devices with a length of 0 and no data attributes; /proc and /sys files
    /// too. The length check in <see cref="ReadBounded"/> stops anything that grows while it is read.
    /// </summary>
    private static bool IsRegular(FileInfo file)
    {
        if (OperatingSystem.IsWindows()) return (file.Attributes & FileAttributes.Device) == 0;
        var full = file.FullName;
        return !(full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)
            || full.StartsWith("/sys/", StringComparison.Ordinal)) && UnixFileType.IsRegular(full);
    }

    private static byte[] ReadBounded(Stream stream, long maxBytes, string path, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new BenchmarkInputException(path, $"{what} is larger than the {maxBytes:N0} bytes this suite reads",
                    "check that the path names the right file; the limits are listed in docs/reliability.md");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
