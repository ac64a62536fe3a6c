using Google.Protobuf;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>Writes a minimal SentencePiece ModelProto (pieces, BPE trainer spec, normaliser spec) in protobuf wire format.</summary>
internal static class SentencePieceModelWriter
{
    public const int Normal = 1, Unknown = 2, Control = 3;

    public const int UnigramType = 1, BpeType = 2;

    /// <param name="normalizationRule">The normalizer spec's rule name; any other than "identity" also gets a (stand-in) precompiled character map, as spm_train writes one.</param>
    public static byte[] Bpe(IEnumerable<(string Piece, float Score, int Type)> pieces, bool addDummyPrefix = true,
        string normalizationRule = "identity", int modelType = BpeType, bool byteFallback = false)
    {
        return Message(o =>
        {
            foreach (var (piece, score, type) in pieces)
            {
                Embedded(o, 1, Message(p =>
                {
                    p.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    p.WriteString(piece);
                    p.WriteTag(2, WireFormat.WireType.Fixed32);
                    p.WriteFloat(score);
                    p.WriteTag(3, WireFormat.WireType.Varint);
                    p.WriteEnum(type);
                }));
            }
            // trainer_spec.model_type (and byte_fallback, field 35)
            Embedded(o, 2, Message(t =>
            {
                t.WriteTag(3, WireFormat.WireType.Varint);
                t.WriteEnum(modelType);
                if (!byteFallback) return;
                t.WriteTag(35, WireFormat.WireType.Varint);
                t.WriteBool(true);
            }));
            // normalizer_spec: identity rule, dummy prefix as given, keep extra whitespace, escape whitespace as ▁
            Embedded(o, 3, Message(n =>
            {
                n.WriteTag(1, WireFormat.WireType.LengthDelimited);
                n.WriteString(normalizationRule);
                if (normalizationRule != "identity")
                {
                    n.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    n.WriteBytes(ByteString.CopyFrom(1, 2, 3, 4));
                }
                n.WriteTag(3, WireFormat.WireType.Varint);
                n.WriteBool(addDummyPrefix);
                n.WriteTag(4, WireFormat.WireType.Varint);
                n.WriteBool(false);
                n.WriteTag(5, WireFormat.WireType.Varint);
                n.WriteBool(true);
            }));
        });
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    private static void Embedded(CodedOutputStream output, int field, byte[] message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(message));
    }
}
