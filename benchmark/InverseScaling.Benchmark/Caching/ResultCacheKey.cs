using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Caching;

/// <summary>
/// Everything besides a request's token ids that decides its result: the model files run (sha256), the tokenizer
/// files (sha256), the scorer and the options of it that change results, and the suite version.
/// </summary>
/// <param name="ModelSha256">sha256 of the ONNX file(s) the scorer runs; a with-past export's is combined with the plain file's, which holds its weights.</param>
/// <param name="TokenizerSha256">sha256 over the tokenizer files' sha256s.</param>
/// <param name="Scorer">The algorithm and its result-changing options, e.g. <c>engine/kv-cache</c>.</param>
/// <param name="SuiteVersion">The suite's version: any change to tokenization or scoring code ships under a new one.</param>
public sealed record ResultCacheKey(string ModelSha256, string TokenizerSha256, string Scorer, string SuiteVersion)
{
    /// <summary>Key of a checkpoint's results, hashing any file whose manifest entry carries no sha256.</summary>
    /// <param name="withPast">Whether the scorer runs the checkpoint's with-past export.</param>
    public static ResultCacheKey For(Checkpoint checkpoint, bool withPast, string scorer, string suiteVersion)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var files = checkpoint.Manifest.Files;
        var model = files.Onnx.ContentSha256(checkpoint.OnnxPath, checkpoint.OnnxData, p => FileHash.Sha256(p));
        if (withPast && checkpoint.OnnxWithPastPath is { } withPastPath)
        {
            model = Combine($"{model}\n{files.OnnxWithPast!.ContentSha256(withPastPath, checkpoint.OnnxWithPastData, p => FileHash.Sha256(p))}");
        }
        var tokenizer = checkpoint.Tokenizer;
        var parts = new StringBuilder();
        void Add(string name, FileRef? file, string? path)
        {
            if (file is not null && path is not null) parts.Append(name).Append(':').Append(Sha(file, path)).Append('\n');
        }
        Add("vocab", files.Vocab, tokenizer.Vocab);
        Add("merges", files.Merges, tokenizer.Merges);
        Add("tokenizer.json", files.TokenizerJson, tokenizer.TokenizerJson);
        Add("sentencepiece", files.SentencePiece, tokenizer.SentencePiece);
        Add("tiktoken", files.Tiktoken, tokenizer.Tiktoken);
        if (tokenizer.TiktokenEncoding is { } encoding) parts.Append("tiktoken-encoding:").Append(encoding).Append('\n');
        return new ResultCacheKey(model, Combine(parts.ToString()), scorer, suiteVersion);
    }

    /// <summary>sha256 over the four parts; names the key's folder in the cache.</summary>
    public string Digest => Combine($"isb-results/1\n{ModelSha256}\n{TokenizerSha256}\n{Scorer}\n{SuiteVersion}");

    private static string Sha(FileRef file, string path) => file.Sha256 is { Length: 64 } sha ? sha.ToLowerInvariant() : FileHash.Sha256(path);

    private static string Combine(string text) => FileHash.Sha256(Encoding.UTF8.GetBytes(text));
}

/// <summary>The first 128 bits of a sha256.</summary>
internal readonly record struct RequestHash(ulong High, ulong Low)
{
    public const int Size = 16;

    /// <summary>
    /// The key of one request: sha256 of <paramref name="prefix"/> (a key's digest), then the context's length and
    /// token ids, then the continuation's (int32, little-endian). <paramref name="buffer"/> is reused between calls.
    /// </summary>
    public static RequestHash Of(ReadOnlySpan<byte> prefix, TokenizedRequest request, ref byte[] buffer)
    {
        var size = prefix.Length + 8 + 4 * (request.Context.Length + request.Continuation.Length);
        if (buffer.Length < size) buffer = new byte[Math.Max(size, 2 * buffer.Length)];
        var span = buffer.AsSpan(0, size);
        prefix.CopyTo(span);
        var at = prefix.Length;
        foreach (var part in new[] { request.Context, request.Continuation })
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], part.Length);
            at += 4;
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(part.AsSpan()).CopyTo(span[at..]);
            }
            else
            {
                for (var i = 0; i < part.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4 * i)..], part[i]);
            }
            at += 4 * part.Length;
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(span, digest);
        return Read(digest);
    }

    public static RequestHash Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));

    public void Write(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, High);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], Low);
    }
}
