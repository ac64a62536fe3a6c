using Google.Protobuf;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// Loads a SentencePiece <c>tokenizer.model</c> into Microsoft.ML.Tokenizers, after checking that the model asks for nothing
/// that library does not reproduce: it applies no precompiled normalization rule (such as <c>nmt_nfkc</c>), and its byte
/// fallback is right only for BPE models. Such models are refused with one error rather than encoded differently (measured
/// against sentencepiece: an <c>nmt_nfkc</c> model differs on "ﬁ", "①" and double spaces, a Unigram one with byte fallback
/// on every character outside its vocabulary). Text where a model without byte fallback would fuse unknown characters is
/// refused when it is encoded (see <see cref="MicrosoftMlEngine"/>).
/// </summary>
internal static class SentencePieceModel
{
    private const int TrainerSpecField = 2, NormalizerSpecField = 3;
    private const int ModelTypeField = 3, ByteFallbackField = 35;
    private const int NormalizerNameField = 1, PrecompiledCharsMapField = 2;
    private const int UnigramModel = 1;

    /// <summary>What the suite reads of a model's trainer and normalizer specs.</summary>
    internal sealed record Spec(int ModelType, bool ByteFallback, string NormalizerName, int CharsMapBytes);

    public static CheckpointTokenizer Load(string path)
    {
        var bytes = InputFile.ReadAllBytes(path, InputLimits.TokenizerBytes, "the SentencePiece model", "check the checkpoint's \"sentencePiece\" path");
        SentencePieceTokenizer tokenizer;
        try
        {
            RequireReproducible(path, ReadSpec(bytes));
            tokenizer = SentencePieceTokenizer.Create(new MemoryStream(bytes, writable: false), false, false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or BenchmarkInputException))
        {
            throw new BenchmarkInputException(path, $"cannot read the SentencePiece model: {TextExcerpt.Escape(e.Message, 160)}", "give the tokenizer.model file saved with the checkpoint", inner: e);
        }
        return new CheckpointTokenizer(new MicrosoftMlEngine(tokenizer, path), TokenizerKind.SentencePiece, path, tokenizer.Vocabulary,
            tokenizer.SpecialTokens ?? new Dictionary<string, int>());
    }

    internal static void RequireReproducible(string path, Spec spec)
    {
        const string UseJson = "give the checkpoint its tokenizer.json instead";
        if (spec.CharsMapBytes > 0)
        {
            throw new BenchmarkInputException(path,
                $"the model normalizes text with the rule {TextExcerpt.Quote(spec.NormalizerName)}, which Microsoft.ML.Tokenizers does not apply, so its ids would differ from sentencepiece's (for \"ﬁ\" or \"①\", say)",
                $"{UseJson} (Hugging Face's converter carries the rule into it), or use a model trained with --normalization_rule_name=identity", field: "normalizer_spec");
        }
        if (spec.ModelType == UnigramModel && spec.ByteFallback)
        {
            throw new BenchmarkInputException(path,
                "the model is a Unigram model with byte fallback, which Microsoft.ML.Tokenizers gets wrong for characters outside the vocabulary",
                UseJson, field: "trainer_spec.byte_fallback");
        }
    }

    /// <summary>Reads model type and byte fallback (trainer_spec) and the normalization rule (normalizer_spec) from the ModelProto.</summary>
    internal static Spec ReadSpec(byte[] model)
    {
        int modelType = UnigramModel, charsMap = 0;
        var byteFallback = false;
        var name = "";
        var input = new CodedInputStream(model);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited || field is not (TrainerSpecField or NormalizerSpecField))
            {
                input.SkipLastField();
                continue;
            }
            var inner = new CodedInputStream(input.ReadBytes().ToByteArray());
            uint innerTag;
            while ((innerTag = inner.ReadTag()) != 0)
            {
                switch (field, WireFormat.GetTagFieldNumber(innerTag))
                {
                    case (TrainerSpecField, ModelTypeField): modelType = inner.ReadEnum(); break;
                    case (TrainerSpecField, ByteFallbackField): byteFallback = inner.ReadBool(); break;
                    case (NormalizerSpecField, NormalizerNameField): name = inner.ReadString(); break;
                    case (NormalizerSpecField, PrecompiledCharsMapField): charsMap = inner.ReadBytes().Length; break;
                    default: inner.SkipLastField(); break;
                }
            }
        }
        return new Spec(modelType, byteFallback, name, charsMap);
    }
}
