using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Caching;

/// <summary>What a checkpoint's cache answered so far.</summary>
/// <param name="Segments">Request lists answered whole by one segment file.</param>
/// <param name="RequestHits">Requests answered from the cache.</param>
/// <param name="Misses">Requests the scorer had to run.</param>
/// <param name="EncodingHits">Request lists whose token ids came from the cache.</param>
/// <param name="WriteError">The first failure to write the cache (the run goes on without writing), or null.</param>
/// <param name="Ignored">Files not read because this user's key did not sign them (<see cref="SigningKey"/>).</param>
public sealed record CacheStatistics(long Segments, long RequestHits, long Misses, long EncodingHits, string? WriteError, long Ignored = 0)
{
    public static CacheStatistics Empty { get; } = new(0, 0, 0, 0, null);
}

/// <summary>
/// The cache of one checkpoint scored one way (a <see cref="ScoringIdentity"/>): the segments of
/// request lists scored before (read by <see cref="CachedScorer"/>, which scores the rest), and the token ids of request
/// texts encoded before. Not thread-safe; separate processes may share the folder.
/// </summary>
public sealed class CheckpointCache
{
    private const int SegmentMagic = 0x43425349; // "ISBC"
    private const int EncodingMagic = 0x45425349; // "ISBE"
    private const int FormatVersion = 1;
    private const int RecordSize = RequestHash.Size + 9;

    private readonly ResultCache owner;
    private readonly byte[] digest;
    private readonly string encodingSettings;
    private readonly byte[] settingsDigest;
    private Dictionary<RequestHash, ContinuationScore>? index;
    private readonly HashSet<string> ignoredFiles = new(StringComparer.Ordinal);

    internal CheckpointCache(ResultCache owner, ScoringIdentity key, string encodingSettings)
    {
        this.owner = owner;
        Key = key;
        digest = Convert.FromHexString(key.Digest);
        this.encodingSettings = encodingSettings;
        settingsDigest = Convert.FromHexString(encodingSettings);
    }

    public ScoringIdentity Key { get; }

    public CacheStatistics Statistics { get; private set; } = CacheStatistics.Empty;

    /// <summary>
    /// What the cache holds for <paramref name="requests"/>: every result when the list's segment holds it (read in one go),
    /// else each request looked up among all segments of the key, null where it misses. Counts the hits and misses.
    /// </summary>
    internal CachedResults Lookup(IReadOnlyList<TokenizedRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var (hashes, path) = Locate(requests);
        if (TryReadSegment(path, hashes, out var segment))
        {
            Statistics = Statistics with { Segments = Statistics.Segments + 1, RequestHits = Statistics.RequestHits + hashes.Length };
            return new CachedResults(hashes, path, [.. segment.Select(s => (ContinuationScore?)s)], Complete: true);
        }

        var known = LoadIndex();
        var results = new ContinuationScore?[hashes.Length];
        var misses = 0;
        for (var i = 0; i < hashes.Length; i++)
        {
            if (known.TryGetValue(hashes[i], out var score)) results[i] = score;
            else misses++;
        }
        Statistics = Statistics with { RequestHits = Statistics.RequestHits + hashes.Length - misses, Misses = Statistics.Misses + misses };
        return new CachedResults(hashes, path, results, Complete: false);
    }

    /// <summary>Stores the whole list's results after a <see cref="Lookup"/> that was not complete: its segment, and each request in the index.</summary>
    internal void Store(CachedResults lookup, IReadOnlyList<ContinuationScore> results)
    {
        var known = LoadIndex();
        for (var i = 0; i < lookup.Hashes.Length; i++) known[lookup.Hashes[i]] = results[i];
        TryWrite(lookup.SegmentPath, () => SegmentBytes(lookup.Hashes, results));
    }

    /// <summary>Stores results computed elsewhere for <paramref name="requests"/>, as scoring them through a <see cref="CachedScorer"/> would have.</summary>
    public void Store(IReadOnlyList<TokenizedRequest> requests, IReadOnlyList<ContinuationScore> results)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count != requests.Count) throw new ArgumentException($"{results.Count} results for {requests.Count} requests", nameof(results));
        var (hashes, path) = Locate(requests);
        Store(new CachedResults(hashes, path, new ContinuationScore?[hashes.Length], Complete: false), results);
    }

    /// <summary>Encodes <paramref name="set"/> with <paramref name="encoder"/>, or reads the token ids it gave before for the same texts and settings.</summary>
    public TokenizedRequest[] Encode(RequestSet set, RequestEncoder encoder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(encoder);
        var path = Path.Combine(owner.EncodingsFolder(encodingSettings), TextDigest(set.Requests) + ".enc");
        if (TryReadEncodings(path, set.Requests.Count, out var cached))
        {
            Statistics = Statistics with { EncodingHits = Statistics.EncodingHits + 1 };
            return cached;
        }
        var encoded = encoder.Encode(set, cancellationToken);
        TryWrite(path, () => EncodingBytes(encoded));
        return encoded;
    }

    /// <summary>Each request's key, and the segment file of the list: named by the hash of the keys in order.</summary>
    private (RequestHash[] Hashes, string Path) Locate(IReadOnlyList<TokenizedRequest> requests)
    {
        var hashes = new RequestHash[requests.Count];
        var hashBytes = new byte[requests.Count * RequestHash.Size];
        var buffer = new byte[4096];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = RequestHash.Of(digest, requests[i], ref buffer);
            hashes[i].Write(hashBytes.AsSpan(i * RequestHash.Size));
        }
        return (hashes, Path.Combine(owner.ResultsFolder(Key), ResultCache.Hex(hashBytes) + ".seg"));
    }

    private Dictionary<RequestHash, ContinuationScore> LoadIndex()
    {
        if (index is not null) return index;
        index = [];
        var folder = owner.ResultsFolder(Key);
        if (!Directory.Exists(folder)) return index;
        foreach (var file in Directory.EnumerateFiles(folder, "*.seg"))
        {
            var body = Unseal(file);
            if (!TryHeader(body, SegmentMagic, out var count) || body.Length != 44 + count * RecordSize) continue;
            for (var i = 0; i < count; i++)
            {
                var record = body.Slice(44 + i * RecordSize, RecordSize);
                index[RequestHash.Read(record)] = ReadScore(record[RequestHash.Size..]);
            }
        }
        return index;
    }

    private bool TryReadSegment(string path, RequestHash[] hashes, out ContinuationScore[] results)
    {
        results = [];
        var body = Unseal(path);
        if (!TryHeader(body, SegmentMagic, out var count) || count != hashes.Length || body.Length != 44 + count * RecordSize) return false;
        var read = new ContinuationScore[count];
        for (var i = 0; i < count; i++)
        {
            var record = body.Slice(44 + i * RecordSize, RecordSize);
            if (RequestHash.Read(record) != hashes[i]) return false;
            read[i] = ReadScore(record[RequestHash.Size..]);
        }
        results = read;
        return true;
    }

    /// <summary>A file's content when this user signed it; a signed-by-someone-else file is counted once, in <see cref="CacheStatistics.Ignored"/> and the cache's own count.</summary>
    private ReadOnlySpan<byte> Unseal(string path)
    {
        var body = owner.Unseal(path, out var unsigned);
        if (unsigned && ignoredFiles.Add(path))
        {
            Statistics = Statistics with { Ignored = Statistics.Ignored + 1 };
            owner.CountIgnored();
        }
        return body;
    }

    /// <summary>Magic, format version, count and the key's (or the encoding settings') digest: 44 bytes.</summary>
    private bool TryHeader(ReadOnlySpan<byte> body, int magic, out int count)
    {
        count = 0;
        if (body.Length < 44
            || BinaryPrimitives.ReadInt32LittleEndian(body) != magic
            || BinaryPrimitives.ReadInt32LittleEndian(body[4..]) != FormatVersion
            || !body.Slice(12, 32).SequenceEqual(magic == SegmentMagic ? digest : settingsDigest))
        {
            return false;
        }
        count = BinaryPrimitives.ReadInt32LittleEndian(body[8..]);
        return count >= 0;
    }

    private MemoryStream Header(int magic, int count)
    {
        var stream = new MemoryStream();
        ResultCache.WriteInt(stream, magic);
        ResultCache.WriteInt(stream, FormatVersion);
        ResultCache.WriteInt(stream, count);
        stream.Write(magic == SegmentMagic ? digest : settingsDigest);
        return stream;
    }

    private byte[] SegmentBytes(RequestHash[] hashes, IReadOnlyList<ContinuationScore> results)
    {
        using var stream = Header(SegmentMagic, hashes.Length);
        Span<byte> record = stackalloc byte[RecordSize];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i].Write(record);
            BinaryPrimitives.WriteDoubleLittleEndian(record[RequestHash.Size..], results[i].LogProbability);
            record[RecordSize - 1] = results[i].IsGreedy ? (byte)1 : (byte)0;
            stream.Write(record);
        }
        return owner.Seal(stream);
    }

    private static ContinuationScore ReadScore(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadDoubleLittleEndian(bytes), bytes[8] != 0);

    /// <summary>sha256 over the requests' texts (UTF-16 code units), each part prefixed by its length.</summary>
    private static string TextDigest(IReadOnlyList<LoglikelihoodRequest> requests)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var request in requests)
        {
            foreach (var part in new[] { request.Context, request.Continuation })
            {
                BinaryPrimitives.WriteInt32LittleEndian(length, part.Length);
                sha.AppendData(length);
                sha.AppendData(MemoryMarshal.AsBytes(part.AsSpan()));
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Per request: flags (1 = boundary differs, 2 = same context ids as the previous request), truncated tokens, context ids unless shared, continuation ids.</summary>
    private byte[] EncodingBytes(TokenizedRequest[] encoded)
    {
        using var stream = Header(EncodingMagic, encoded.Length);
        int[]? previous = null;
        foreach (var request in encoded)
        {
            var same = previous is not null && request.Context.AsSpan().SequenceEqual(previous);
            stream.WriteByte((byte)((request.BoundaryDiffers ? 1 : 0) | (same ? 2 : 0)));
            ResultCache.WriteInt(stream, request.TruncatedTokens);
            if (!same) WriteIds(stream, request.Context);
            WriteIds(stream, request.Continuation);
            previous = request.Context;
        }
        return owner.Seal(stream);
    }

    private static void WriteIds(Stream stream, int[] ids)
    {
        ResultCache.WriteInt(stream, ids.Length);
        if (BitConverter.IsLittleEndian) stream.Write(MemoryMarshal.AsBytes(ids.AsSpan()));
        else foreach (var id in ids) ResultCache.WriteInt(stream, id);
    }

    private bool TryReadEncodings(string path, int expected, out TokenizedRequest[] encoded)
    {
        encoded = [];
        var body = Unseal(path);
        if (!TryHeader(body, EncodingMagic, out var count) || count != expected) return false;
        var read = new TokenizedRequest[count];
        var position = 44;
        int[] previous = [];
        for (var i = 0; i < count; i++)
        {
            if (position + 5 > body.Length) return false;
            var flags = body[position];
            var truncated = BinaryPrimitives.ReadInt32LittleEndian(body[(position + 1)..]);
            position += 5;
            int[] context;
            if ((flags & 2) != 0 && i > 0) context = previous;
            else if (!TryReadIds(body, ref position, out context)) return false;
            if (!TryReadIds(body, ref position, out var continuation)) return false;
            read[i] = new TokenizedRequest(context, continuation, (flags & 1) != 0, truncated);
            previous = context;
        }
        if (position != body.Length) return false;
        encoded = read;
        return true;
    }

    private static bool TryReadIds(ReadOnlySpan<byte> body, ref int position, out int[] ids)
    {
        ids = [];
        if (position + 4 > body.Length) return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(body[position..]);
        position += 4;
        if (length < 0 || position + 4L * length > body.Length) return false;
        int[] read;
        if (BitConverter.IsLittleEndian)
        {
            read = MemoryMarshal.Cast<byte, int>(body.Slice(position, 4 * length)).ToArray();
        }
        else
        {
            read = new int[length];
            for (var t = 0; t < length; t++) read[t] = BinaryPrimitives.ReadInt32LittleEndian(body[(position + 4 * t)..]);
        }
        position += 4 * length;
        ids = read;
        return true;
    }

    /// <summary>A cache that cannot be written must not stop the run: the first failure is recorded and writing stops.</summary>
    private void TryWrite(string path, Func<byte[]> content)
    {
        if (Statistics.WriteError is not null) return;
        try
        {
            AtomicFile.WriteAllBytes(path, content());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Statistics = Statistics with { WriteError = $"{path}: {e.Message}" };
        }
    }
}

/// <summary>A <see cref="CheckpointCache.Lookup"/>: each request's key, the list's segment file, and the results found (all of them when <see cref="Complete"/>).</summary>
internal sealed record CachedResults(RequestHash[] Hashes, string SegmentPath, ContinuationScore?[] Found, bool Complete);
