using System.Runtime.InteropServices;

namespace InverseScaling.Benchmark.IO;

/// <summary>
/// The file type from stat(2), through the .NET runtime's own native shim (present wherever .NET runs on Unix), because
/// <see cref="FileInfo"/> reports pipes and devices as ordinary empty files and opening a pipe blocks.
/// </summary>
internal static partial class UnixFileType
{
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;

    /// <summary>True when <paramref name="path"/> (after following links) is a regular file.</summary>
    public static bool IsRegular(string path) => Stat(path, out var status) == 0 && (status.Mode & TypeMask) == Regular;

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, out FileStatusPrefix output);

    /// <summary>The leading fields of the shim's FileStatus; the size leaves room for the fields after them.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatusPrefix
    {
        public int Flags;
        public int Mode;
    }
}
