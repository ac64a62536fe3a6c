using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Caching;

/// <summary>
/// Scores and token ids kept on disk between runs (default <c>.isb-cache/</c> at the checkout's root). Layout:
/// <c>results/&lt;key digest&gt;/&lt;segment&gt;.seg</c>, one segment per list of requests scored together (a task's
/// chunk), named by the hash of its requests' keys; and <c>encodings/&lt;settings digest&gt;/&lt;text digest&gt;.enc</c>,
/// the token ids of a list of requests. Files are written by <see cref="AtomicFile"/>, so concurrent runs sharing the
/// folder never read a partial file; each file ends with its own sha256, so a damaged one reads as a miss.
/// </summary>
public sealed class ResultCache
{
    /// <summary>The cache folder's name at the checkout's root.</summary>
    public const string DefaultFolderName = ".isb-cache";

    public ResultCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>The cache of one checkpoint scored one way: its results keyed by the whole identity, its token ids by the tokenizer's part of it.</summary>
    public CheckpointCache For(ScoringIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var encoding = Hex(Encoding.UTF8.GetBytes(
            $"isb-encodings/2\n{identity.TokenizerSha256}\n{identity.Bos.Policy}\n{identity.Bos.Token}\n{identity.MaxContext}\n{identity.Code}"));
        return new CheckpointCache(this, identity, encoding);
    }

    internal string ResultsFolder(ScoringIdentity key) => Path.Combine(Directory, "results", key.Digest);

    internal string EncodingsFolder(string settingsDigest) => Path.Combine(Directory, "encodings", settingsDigest);

    /// <summary>Appends the sha256 of everything written so far.</summary>
    internal static byte[] Seal(MemoryStream body)
    {
        var hash = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(hash);
        return body.ToArray();
    }

    /// <summary>The content without its trailing sha256, or empty when the file is missing, too short or damaged.</summary>
    internal static ReadOnlySpan<byte> Unseal(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
        if (bytes.Length < 32) return [];
        var body = bytes.AsSpan(0, bytes.Length - 32);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return hash.SequenceEqual(bytes.AsSpan(bytes.Length - 32)) ? body : [];
    }

    internal static string Hex(ReadOnlySpan<byte> data) => FileHash.Sha256(data);

    internal static void WriteInt(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
