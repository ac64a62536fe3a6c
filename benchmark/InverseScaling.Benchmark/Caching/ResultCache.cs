using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Caching;

/// <summary>
/// Scores and token ids kept on disk between runs (default per user, outside any checkout: <see cref="UserFolders.Cache"/>). Layout:
/// <c>results/&lt;key digest&gt;/&lt;segment&gt;.seg</c>, one segment per list of requests scored together (a task's
/// chunk), named by the hash of its requests' keys; and <c>encodings/&lt;settings digest&gt;/&lt;text digest&gt;.enc</c>,
/// the token ids of a list of requests. Files are written by <see cref="AtomicFile"/>, so concurrent runs sharing the
/// folder never read a partial file; each file ends with its own sha256, so a damaged one reads as a miss.
/// </summary>
public sealed class ResultCache
{
    private readonly Lazy<SigningKey> key;
    private long ignored;

    /// <param name="key">Signs and checks the files; default the user's (<see cref="SigningKey.ForThisUser"/>), read on first use.</param>
    public ResultCache(string directory, SigningKey? key = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        this.key = key is null ? new Lazy<SigningKey>(SigningKey.ForThisUser) : new Lazy<SigningKey>(key);
    }

    public string Directory { get; }

    /// <summary>Also read files sealed with a plain sha256 instead of this user's signature (<c>--trust-cache</c>). <value>Default false.</value></summary>
    public bool TrustUnsigned { get; init; }

    /// <summary>Files of the right key whose signature did not verify, so were not read (each counted once per checkpoint cache). Thread-safe.</summary>
    public long Ignored => Interlocked.Read(ref ignored);

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

    /// <summary>Appends the user's signature (HMAC-SHA256) of everything written so far.</summary>
    internal byte[] Seal(MemoryStream body)
    {
        body.Write(key.Value.Sign(body.GetBuffer().AsSpan(0, (int)body.Length)));
        return body.ToArray();
    }

    /// <summary>
    /// The content without its trailing signature, or empty when the file is missing, too short, damaged or not signed by
    /// this user. <paramref name="unsigned"/> is true for a whole file whose signature did not verify.
    /// </summary>
    internal ReadOnlySpan<byte> Unseal(string path, out bool unsigned)
    {
        unsigned = false;
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
        var trailer = bytes.AsSpan(bytes.Length - 32);
        if (key.Value.Verifies(body, trailer)) return body;
        if (TrustUnsigned && SHA256.HashData(body).AsSpan().SequenceEqual(trailer)) return body;
        unsigned = true;
        return [];
    }

    /// <summary>Counts a file <see cref="Unseal"/> refused as not signed by this user.</summary>
    internal void CountIgnored() => Interlocked.Increment(ref ignored);

    internal static string Hex(ReadOnlySpan<byte> data) => FileHash.Sha256(data);

    internal static void WriteInt(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }
}
