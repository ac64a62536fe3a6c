using InverseScaling.Benchmark.Diagnostics;
using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>The implementation behind a <see cref="CheckpointTokenizer"/>: text to ids and back, never adding special tokens.</summary>
internal abstract class TokenizerEngine
{
    public abstract int[] Encode(string text);

    /// <summary>Encodes text that follows other text, for the request encoder's fallback; by default as <see cref="Encode"/>.</summary>
    public virtual int[] EncodeFollowing(string text) => Encode(text);

    public abstract string Decode(int[] ids);
}

/// <summary>A Microsoft.ML.Tokenizers tokenizer: byte-level BPE from vocab.json + merges.txt, tiktoken, or SentencePiece.</summary>
internal sealed class MicrosoftMlEngine : TokenizerEngine
{
    private readonly Tokenizer _tokenizer;
    private readonly string _source;
    private readonly SentencePieceNormalizer? _followingNormalizer;
    private readonly int? _fusedUnknownId;

    public MicrosoftMlEngine(Tokenizer tokenizer, string source)
    {
        _tokenizer = tokenizer;
        _source = source;
        // sentencepiece fuses a run of characters outside the vocabulary into one <unk>; Microsoft.ML gives one each.
        if (tokenizer is SentencePieceTokenizer { ByteFallback: false } unknowns) _fusedUnknownId = unknowns.UnknownId;
        if (tokenizer is SentencePieceTokenizer { Normalizer: SentencePieceNormalizer n })
        {
            // Text that follows other text gets no dummy prefix and keeps its whitespace as written.
            _followingNormalizer = new SentencePieceNormalizer(removeExtraWhiteSpaces: false, addDummyPrefix: false,
                n.EscapeWhiteSpaces, n.TreatWhitespaceAsSuffix, n.SpecialTokens);
        }
    }

    public override int[] Encode(string text) => text.Length == 0 ? [] : Checked(_tokenizer.EncodeToIds(text).ToArray(), text);

    /// <summary>For SentencePiece without the dummy-prefix space and without BOS; otherwise as <see cref="Encode"/>.</summary>
    public override int[] EncodeFollowing(string text)
    {
        if (_tokenizer is SentencePieceTokenizer sentencePiece && _followingNormalizer is not null)
        {
            return Checked(sentencePiece.EncodeToIds(_followingNormalizer.Normalize(text), addBeginningOfSentence: false, addEndOfSentence: false,
                considerPreTokenization: false, considerNormalization: false).ToArray(), text);
        }
        return Encode(text);
    }

    public override string Decode(int[] ids) => _tokenizer.Decode(ids);

    /// <summary>Refuses ids where sentencepiece would have fused two unknown characters, rather than return different ids.</summary>
    private int[] Checked(int[] ids, string text)
    {
        if (_fusedUnknownId is not { } unknown) return ids;
        for (var i = 1; i < ids.Length; i++)
        {
            if (ids[i] != unknown || ids[i - 1] != unknown) continue;
            throw new BenchmarkInputException(_source,
                $"the text {TextExcerpt.Quote(text)} has neighbouring characters outside the SentencePiece model's vocabulary, which sentencepiece encodes as one <unk> and Microsoft.ML.Tokenizers as one each",
                "give the checkpoint its tokenizer.json instead, or keep such characters out of the task");
        }
        return ids;
    }
}
