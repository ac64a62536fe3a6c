using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InverseScaling.Benchmark.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content, never a torn write: the content goes
/// to <c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c> beside it, is flushed to disk, then renamed over the file.
/// A process killed mid-write leaves only that temporary file, which <see cref="DeleteAbandoned"/> removes.
/// </summary>
public static class AtomicFile
{
    private const string TemporarySuffix = ".tmp";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string content) => WriteAllBytes(path, Utf8.GetBytes(content));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temp = TemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Streams the content through <paramref name="write"/>; the file appears whole when it returns, or not at all if it throws.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var temp = TemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Deletes the temporary files under <paramref name="directory"/> (recursively) left by writers that were killed: those
    /// whose process is no longer running. Returns how many were deleted.
    /// </summary>
    public static int DeleteAbandoned(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        var deleted = 0;
        // Links are not followed: a link committed into a run or baselines folder cannot point the clean-up elsewhere.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var file in Directory.EnumerateFiles(directory, "." + "*" + TemporarySuffix, options))
        {
            if (WriterProcess(Path.GetFileName(file)) is not { } pid || IsRunning(pid)) continue;
            File.Delete(file);
            deleted++;
        }
        return deleted;
    }

    private static string TemporaryPath(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
    }

    /// <summary>The pid in a name of the form <c>.&lt;name&gt;.&lt;pid&gt;.&lt;32 hex digits&gt;.tmp</c>, or null for any other name.</summary>
    private static int? WriterProcess(string name)
    {
        var parts = name[..^TemporarySuffix.Length].Split('.');
        if (parts.Length < 4 || parts[^1].Length != 32 || !parts[^1].All(char.IsAsciiHexDigit)) return null;
        return int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
