namespace InverseScaling.Benchmark.Tokenization;

/// <summary>Which file a tokenizer was read from, and so which implementation encodes with it.</summary>
public enum TokenizerKind
{
    /// <summary>GPT-2-style byte-level BPE from <c>vocab.json</c> + <c>merges.txt</c> (Microsoft.ML.Tokenizers).</summary>
    VocabAndMerges,
    /// <summary>A Hugging Face <c>tokenizer.json</c> of any pipeline (Hugging Face's own Rust tokenizers, via Tokenizers.DotNet).</summary>
    TokenizerJson,
    /// <summary>A SentencePiece <c>tokenizer.model</c> (Microsoft.ML.Tokenizers); adds a dummy-prefix space at the start of text.</summary>
    SentencePiece,
    /// <summary>A tiktoken encoding, by name or <c>*.tiktoken</c> file (Microsoft.ML.Tokenizers).</summary>
    Tiktoken,
}

/// <summary>
/// A checkpoint's tokenizer: text to token ids exactly as the tokenizer's reference implementation gives them, never adding
/// BOS, EOS or any other special token (the family's BOS policy decides that), plus what the suite needs around it:
/// vocabulary size and token ids by name. Encoding is thread-safe.
/// </summary>
public sealed class CheckpointTokenizer
{
    private readonly TokenizerEngine _engine;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;

    internal CheckpointTokenizer(TokenizerEngine engine, TokenizerKind kind, string source,
        IReadOnlyDictionary<string, int> vocabulary, IReadOnlyDictionary<string, int> specialTokens, int? vocabularySize = null)
    {
        _engine = engine;
        Kind = kind;
        Source = source;
        _vocabulary = vocabulary;
        SpecialTokens = specialTokens;
        VocabularySize = vocabularySize
            ?? Math.Max(vocabulary.Count == 0 ? 0 : vocabulary.Values.Max(), specialTokens.Count == 0 ? 0 : specialTokens.Values.Max()) + 1;
    }

    public TokenizerKind Kind { get; }

    /// <summary>The file (or tiktoken encoding name) the tokenizer was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>One more than the largest id the tokenizer can produce: the least logits width a model must have.</summary>
    public int VocabularySize { get; }

    /// <summary>Tokens matched whole in text (e.g. <c>&lt;|endoftext|&gt;</c>), by id.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>The id of a special or ordinary token by its exact text (as stored in the vocabulary), or null.</summary>
    public int? FindTokenId(string token) =>
        SpecialTokens.TryGetValue(token, out var id) || _vocabulary.TryGetValue(token, out id) ? id : null;

    /// <summary>Encodes text as the start of an input (a SentencePiece-style tokenizer adds its dummy prefix).</summary>
    public int[] Encode(string text) => _engine.Encode(text);

    /// <summary>
    /// Encodes text on its own as text that follows other text: the request encoder's fallback when a context's encoding
    /// is not a prefix of the joint one. For a SentencePiece model without the dummy prefix; otherwise as <see cref="Encode"/>.
    /// </summary>
    public int[] EncodeFollowing(string text) => _engine.EncodeFollowing(text);

    /// <summary>The text of token ids, for messages and round-trip checks.</summary>
    public string Decode(int[] ids) => _engine.Decode(ids);
}
