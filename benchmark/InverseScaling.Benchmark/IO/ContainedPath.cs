using System.Runtime.InteropServices;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.IO;

/// <summary>
/// Resolves a path that a file names (a manifest's model or tokenizer, a task card's data) against that file's own
/// folder. The result must lie inside the folder after every link is followed, and be a regular file of bounded size,
/// so a file handed in by a pull request can neither read <c>/etc/passwd</c> or <c>/proc/self/environ</c> into an error
/// message nor hang the run on <c>/dev/zero</c> or a pipe.
/// </summary>
internal static partial class ContainedPath
{
    /// <summary>
    /// The full path of <paramref name="relative"/> under <paramref name="folder"/>, checked: inside the folder after links
    /// (the folder's own path may be a link), a regular file, at most <paramref name="maxBytes"/> bytes.
    /// </summary>
    /// <param name="file">The file that names the path, for messages (a family.json, a task.json).</param>
    /// <param name="field">The field that holds the path (<c>checkpoints[0].files.vocab</c>).</param>
    /// <exception cref="BenchmarkInputException">Empty, outside the folder, missing, not a regular file, or too large.</exception>
    public static string Resolve(string folder, string relative, string file, string field, long maxBytes)
    {
        var path = Inside(folder, relative, file, field);
        var shown = TextExcerpt.Escape(relative, 200);
        var whereFix = $"put the file in {TextExcerpt.Escape(folder, 200)} and give its path relative to it";
        var info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path) && info.LinkTarget is null)
            throw new BenchmarkInputException(file, $"{shown} does not exist (looked for {TextExcerpt.Escape(path, 200)})", whereFix, field: field);
        var real = RealPath(path);
        if (real is null)
            throw new BenchmarkInputException(file, $"{shown} is a link to a file that does not exist", whereFix, field: field);
        var realFolder = RealPath(folder) ?? Path.GetFullPath(folder);
        if (!IsUnder(real, realFolder))
            throw new BenchmarkInputException(file, $"{shown} leads, through a link, outside {TextExcerpt.Escape(folder, 200)}",
                $"copy the file into the folder instead of linking to it ({Rule})", field: field);
        InputFile.Check(real, maxBytes, file, field, shown);
        return path;
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> under <paramref name="folder"/>, checked by its text alone (no link is
    /// followed and the file need not exist): relative, free of control characters, and not leading out with <c>..</c>.
    /// </summary>
    /// <exception cref="BenchmarkInputException">Empty, absolute, or leading outside the folder.</exception>
    public static string Inside(string folder, string relative, string file, string field)
    {
        if (string.IsNullOrWhiteSpace(relative))
            throw new BenchmarkInputException(file, "the path is empty", "give the file's path relative to the folder of " + TextExcerpt.Escape(Path.GetFileName(file), 80), field: field);
        var shown = TextExcerpt.Escape(relative, 200);
        if (relative.Any(char.IsControl))
            throw new BenchmarkInputException(file, $"the path {shown} contains control characters", "give a plain relative path", field: field);
        if (Path.IsPathRooted(relative))
            throw new BenchmarkInputException(file, $"{shown} is an absolute path", $"give the path relative to {TextExcerpt.Escape(folder, 200)}, inside it ({Rule})", field: field);
        var full = Path.GetFullPath(Path.Combine(folder, relative));
        if (!IsUnder(full, Path.GetFullPath(folder)))
            throw new BenchmarkInputException(file, $"{shown} leads outside {TextExcerpt.Escape(folder, 200)}", $"copy the file into the folder ({Rule})", field: field);
        return full;
    }

    /// <summary>
    /// True when <paramref name="path"/> (a full path lexically below <paramref name="root"/>) stays below the root once
    /// links are followed: the deepest part of it that exists, the file itself when it does, resolves inside the root's
    /// own resolved path. A folder that the suite writes to (<c>--out</c>, the baselines, the cache) can therefore not
    /// redirect a write, or a read, through a committed link.
    /// </summary>
    public static bool StaysInside(string root, string path)
    {
        var fullRoot = Path.GetFullPath(root);
        var existing = Path.GetFullPath(path);
        while (!File.Exists(existing) && !Directory.Exists(existing) && new FileInfo(existing).LinkTarget is null)
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null || !IsUnder(existing, fullRoot)) return true; // nothing of it exists below the root yet
            existing = parent;
        }
        if (!IsUnder(existing, fullRoot)) return true;
        var real = RealPath(existing);
        var realRoot = RealPath(fullRoot) ?? fullRoot;
        return real is not null && IsUnder(real, realRoot);
    }

    /// <summary>What a contained path must be, as the fixes state it.</summary>
    public const string Rule = "a family, task or baseline reads only files inside its own folder";

    /// <summary>True when <paramref name="path"/> lies strictly below <paramref name="folder"/> (both full paths).</summary>
    public static bool IsUnder(string path, string folder)
    {
        var root = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return path.StartsWith(root, comparison) && path.Length > root.Length;
    }

    /// <summary>The path with every link in it followed (realpath(3)); null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsWindows()) return NativeRealPath(full);
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (info.LinkTarget is null) return info.Exists ? full : null;
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is { Exists: true } ? target.FullName : null;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_RealPath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial string? NativeRealPath(string path);
}
