using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using InverseScaling.Benchmark.Requests;

namespace InverseScaling.Benchmark.Caching;

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
