using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>How a tokenizer splits text, which decides how a continuation is encoded after other text.</summary>
public enum TokenizerKind
{
    /// <summary>GPT-2-style byte-level BPE (vocab.json + merges.txt or a Hugging Face tokenizer.json).</summary>
    ByteLevelBpe,
    /// <summary>A SentencePiece model (tokenizer.model): adds a dummy-prefix space at the start of text.</summary>
    SentencePiece,
}

/// <summary>
/// A checkpoint's tokenizer: the <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> plus what the suite needs around it
/// (vocabulary size, token ids by name, and encoding of text that follows other text). Never adds BOS or EOS itself.
/// </summary>
public sealed class CheckpointTokenizer
{
    private readonly IReadOnlyDictionary<string, int> _vocabulary;
    private readonly SentencePieceNormalizer? _followingNormalizer;

    internal CheckpointTokenizer(Tokenizer tokenizer, TokenizerKind kind, string source,
        IReadOnlyDictionary<string, int> vocabulary, IReadOnlyDictionary<string, int> specialTokens)
    {
        Tokenizer = tokenizer;
        Kind = kind;
        Source = source;
        _vocabulary = vocabulary;
        SpecialTokens = specialTokens;
        VocabularySize = Math.Max(vocabulary.Count == 0 ? 0 : vocabulary.Values.Max(), specialTokens.Count == 0 ? 0 : specialTokens.Values.Max()) + 1;
        if (tokenizer is SentencePieceTokenizer { Normalizer: SentencePieceNormalizer n })
        {
            // Text that follows other text gets no dummy prefix and keeps its whitespace as written.
            _followingNormalizer = new SentencePieceNormalizer(removeExtraWhiteSpaces: false, addDummyPrefix: false,
                n.EscapeWhiteSpaces, n.TreatWhitespaceAsSuffix, n.SpecialTokens);
        }
    }

    public Tokenizer Tokenizer { get; }

    public TokenizerKind Kind { get; }

    /// <summary>The file the tokenizer was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>One more than the largest id the tokenizer can produce: the least logits width a model must have.</summary>
    public int VocabularySize { get; }

    /// <summary>Tokens matched whole in text (e.g. <c>&lt;|endoftext|&gt;</c>), by id.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>The id of a special or ordinary token by its exact text (as stored in the vocabulary), or null.</summary>
    public int? FindTokenId(string token) =>
        SpecialTokens.TryGetValue(token, out var id) || _vocabulary.TryGetValue(token, out id) ? id : null;

    /// <summary>Encodes text that starts the input.</summary>
    public int[] Encode(string text) => Tokenizer.EncodeToIds(text).ToArray();

    /// <summary>
    /// Encodes text that follows other text: for byte-level BPE the same as <see cref="Encode"/>; for SentencePiece
    /// without the dummy-prefix space and without BOS.
    /// </summary>
    public int[] EncodeFollowing(string text)
    {
        if (Tokenizer is SentencePieceTokenizer sentencePiece && _followingNormalizer is not null)
        {
            return sentencePiece.EncodeToIds(_followingNormalizer.Normalize(text), addBeginningOfSentence: false, addEndOfSentence: false,
                considerPreTokenization: false, considerNormalization: false).ToArray();
        }
        return Encode(text);
    }
}
