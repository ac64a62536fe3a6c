using System.Security.Cryptography;

namespace InverseScaling.Benchmark.IO;

/// <summary>Streamed sha256 of files and bytes, lowercase hex: the one hasher every stage uses.</summary>
public static class FileHash
{
    /// <summary>sha256 of a file's content, read in 1 MiB blocks.</summary>
    public static string Sha256(string path, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Sha256(stream, cancellationToken);
    }

    /// <summary>sha256 of the rest of a stream.</summary>
    public static string Sha256(Stream stream, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>sha256 of bytes in memory.</summary>
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>True for 64 hexadecimal digits (either case).</summary>
    public static bool IsSha256(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);
}

/// <summary>sha256 of files, each read once per instance (a family may list one file under several checkpoints). Thread-safe.</summary>
public sealed class FileHashes
{
    private readonly Dictionary<string, string> _byPath = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Sha256(string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        lock (_lock)
        {
            if (_byPath.TryGetValue(full, out var known)) return known;
        }
        var hash = FileHash.Sha256(full, cancellationToken);
        lock (_lock) _byPath[full] = hash;
        return hash;
    }
}
