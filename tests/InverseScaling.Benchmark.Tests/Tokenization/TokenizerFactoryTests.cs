using System.Text;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tests.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

public sealed class TokenizerFactoryTests
{
    public static TheoryData<string, int[]> Cases => TinyTokenizer.Cases;

    /// <summary>Pieces score higher the earlier they merge: ▁t, he, ▁the, ▁c, at, ▁cat, then the single symbols.</summary>
    private static readonly (string, float, int)[] Pieces =
    [
        ("<unk>", 0, SentencePieceModelWriter.Unknown), ("<s>", 0, SentencePieceModelWriter.Control), ("</s>", 0, SentencePieceModelWriter.Control),
        ("▁t", -1, 1), ("he", -2, 1), ("▁the", -3, 1), ("▁c", -4, 1), ("at", -5, 1), ("▁cat", -6, 1),
        ("▁", -7, 1), ("t", -8, 1), ("h", -9, 1), ("e", -10, 1), ("c", -11, 1), ("a", -12, 1),
    ];

    private static readonly string[] MergeLines = ["Ġ t", "h e", "Ġt he", "Ġ Ġ", "1 2", "Ċ Ċ", "Ã ©", "c a", "ca t", "Ġ cat"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vocab_and_merges_give_the_hand_derived_ids(string text, int[] expected)
    {
        var tokenizer = TinyTokenizer.Create();

        Assert.Equal(expected, tokenizer.Encode(text));
        Assert.Equal(expected, tokenizer.EncodeFollowing(text));
        Assert.Equal(text, tokenizer.Decode(expected));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_tokenizer_json_with_string_merges_gives_the_same_ids(string text, int[] expected)
    {
        var tokenizer = TokenizerFactory.Create(new TokenizerFiles(null, null, TestPaths.TestData("Tokenization", "tokenizer.json"), null));

        Assert.Equal(expected, tokenizer.Encode(text));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_tokenizer_json_with_pair_merges_gives_the_same_ids(string text, int[] expected)
    {
        var tokenizer = TokenizerFactory.FromTokenizerJson(TestPaths.TestData("Tokenization", "tokenizer-pair-merges.json"));

        Assert.Equal(expected, tokenizer.Encode(text));
    }

    [Fact]
    public void Exposes_vocabulary_size_and_token_ids()
    {
        var tokenizer = TinyTokenizer.Create();
        var fromJson = TokenizerFactory.FromTokenizerJson(TestPaths.TestData("Tokenization", "tokenizer-pair-merges.json"));

        Assert.Equal(TokenizerKind.VocabAndMerges, tokenizer.Kind);
        Assert.Equal(TokenizerKind.TokenizerJson, fromJson.Kind);
        Assert.Equal(267, tokenizer.VocabularySize);
        Assert.Equal(267, fromJson.VocabularySize);
        Assert.Equal(266, tokenizer.FindTokenId("<|endoftext|>"));
        Assert.Equal(266, fromJson.FindTokenId("<|endoftext|>"));
        Assert.Equal(220, tokenizer.FindTokenId("Ġ"));
        Assert.Equal(265, tokenizer.FindTokenId("Ġcat"));
        Assert.Null(tokenizer.FindTokenId("<s>"));
        Assert.Equal(266, Assert.Single(tokenizer.SpecialTokens).Value);
    }

    [Fact]
    public void A_vocab_without_merges_is_refused()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.Create(new TokenizerFiles(TinyTokenizer.Vocab, null, null, null)));

        Assert.Equal($"{TinyTokenizer.Vocab} (files.merges): a vocab.json needs its merges.txt, and the checkpoint names none. Fix: add \"merges\" beside \"vocab\" in the checkpoint's files", error.Message);
    }

    [Fact]
    public void A_missing_merges_file_is_refused()
    {
        var merges = Path.Combine(TestPaths.NewTempDirectory(), "merges.txt");

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromVocabAndMerges(TinyTokenizer.Vocab, merges));

        Assert.Equal($"{merges}: the merges file does not exist. Fix: put the merges.txt saved with the tokenizer there, or fix the checkpoint's \"merges\" path", error.Message);
    }

    [Theory]
    [InlineData("{\"a\": 0,\n\"b\": }", "FILE:2: vocab.json is not valid JSON: '}' is an invalid start of a value. Fix: use the vocab.json saved with the tokenizer (a JSON object of token → id)")]
    [InlineData("[\"a\", \"b\"]", "FILE: vocab.json is not a JSON object of token → id. Fix: use the vocab.json saved with the tokenizer")]
    [InlineData("{\"a\": 0, \"b\": \"1\"}", "FILE (b): the id of token \"b\" is \"1\", not a non-negative integer. Fix: give every token a non-negative integer id")]
    [InlineData("{\"a\": 0, \"b\": 0}", "FILE (b): tokens \"a\" and \"b\" share id 0. Fix: give every token its own id")]
    public void A_malformed_vocabulary_is_refused(string vocab, string expected)
    {
        var path = TempFile.Write("vocab.json", vocab);

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromVocabAndMerges(path, TinyTokenizer.Merges));

        Assert.Equal(expected, error.Message.Replace(path, "FILE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Ġ zz", "merge \"Ġ zz\" uses \"zz\", which is not in the vocabulary. Fix: use the merges.txt saved with this vocab.json")]
    [InlineData("zz Ġ", "merge \"zz Ġ\" uses \"zz\", which is not in the vocabulary. Fix: use the merges.txt saved with this vocab.json")]
    [InlineData("Ġ e", "merge \"Ġ e\" makes \"Ġe\", which is not in the vocabulary. Fix: use the merges.txt saved with this vocab.json")]
    [InlineData("Ġt", "line \"Ġt\" is not two tokens separated by one space. Fix: write one merge per line as \"a b\"")]
    [InlineData("Ġ t h", "line \"Ġ t h\" is not two tokens separated by one space. Fix: write one merge per line as \"a b\"")]
    public void A_merge_outside_the_vocabulary_is_refused_with_its_line(string badMerge, string expected)
    {
        // The header is line 1 and the ten good merges lines 2 to 11, so the bad one is line 12.
        var path = TempFile.Write("merges.txt", "#version: 0.2\n" + string.Join("\n", MergeLines) + "\n" + badMerge + "\n");

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromVocabAndMerges(TinyTokenizer.Vocab, path));

        Assert.Equal($"{path}:12: {expected}", error.Message);
    }

    [Fact]
    public void A_vocabulary_missing_a_byte_symbol_is_refused()
    {
        var vocab = File.ReadAllText(TinyTokenizer.Vocab, Encoding.UTF8).Replace("\"z\": 89, ", "", StringComparison.Ordinal);
        var path = TempFile.Write("vocab.json", vocab);

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromVocabAndMerges(path, TinyTokenizer.Merges));

        Assert.Equal($"{path}: the vocabulary has no symbol for byte 0x7A (\"z\"). Fix: a byte-level BPE vocabulary must hold all 256 byte symbols of GPT-2's byte-to-unicode alphabet", error.Message);
    }

    [Theory]
    [InlineData("\"type\": \"BPE\"", "\"type\": \"Tokens\"", "Hugging Face tokenizers cannot load it: ")]
    [InlineData("[\"Ġ\", \"t\"]", "[\"Ġ\", \"zz\"]", "Hugging Face tokenizers cannot load it: ")]
    [InlineData("\"model\": {", "\"modell\": {", "(model): tokenizer.json has no \"model\" object")]
    [InlineData("\"version\": \"1.0\",", "\"version\": \"1.0\",,", "tokenizer.json is not valid JSON: ")]
    public void A_broken_tokenizer_json_is_refused_in_one_line(string find, string replace, string expectedAfterPath)
    {
        var text = File.ReadAllText(TestPaths.TestData("Tokenization", "tokenizer-pair-merges.json"), Encoding.UTF8);
        Assert.Contains(find, text);
        var path = TempFile.Write("tokenizer.json", text.Replace(find, replace, StringComparison.Ordinal));

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromTokenizerJson(path));

        Assert.Contains($" {expectedAfterPath}", error.Message);
        Assert.StartsWith(path, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.EndsWith("Fix: use the tokenizer.json saved with the checkpoint", error.Message);
    }

    [Fact]
    public void A_tokenizer_json_adds_no_special_tokens_even_where_its_post_processor_would()
    {
        // A TemplateProcessing post-processor that would put <|endoftext|> before every text, and truncation to one token.
        var text = File.ReadAllText(TestPaths.TestData("Tokenization", "tokenizer.json"), Encoding.UTF8)
            .Replace("\"post_processor\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": false, \"use_regex\": true}", "\"post_processor\": {\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"<|endoftext|>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], \"pair\": [{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"B\", \"type_id\": 1}}], \"special_tokens\": {\"<|endoftext|>\": {\"id\": \"<|endoftext|>\", \"ids\": [266], \"tokens\": [\"<|endoftext|>\"]}}}", StringComparison.Ordinal)
            .Replace("\"truncation\": null", "\"truncation\": {\"direction\": \"Right\", \"max_length\": 1, \"strategy\": \"LongestFirst\", \"stride\": 0}", StringComparison.Ordinal);
        Assert.Contains("TemplateProcessing", text);
        Assert.Contains("\"max_length\": 1", text);

        var tokenizer = TokenizerFactory.FromTokenizerJson(TempFile.Write("tokenizer.json", text));

        Assert.Equal([83, 257, 265], tokenizer.Encode("the cat"));
    }

    [Fact]
    public void Text_the_native_library_cannot_take_is_an_input_error_not_a_crash()
    {
        var tokenizer = TokenizerFactory.FromTokenizerJson(TestPaths.TestData("Tokenization", "tokenizer.json"));

        var error = Assert.Throws<BenchmarkInputException>(() => tokenizer.Encode("a\ud800b"));

        Assert.StartsWith($"{TestPaths.TestData("Tokenization", "tokenizer.json")}: Hugging Face tokenizers cannot encode the text \"a\\ud800b\": ", error.Message);
        Assert.Equal([64], tokenizer.Encode("a"));
    }

    [Fact]
    public void A_tokenizer_json_declaring_nfc_composes()
    {
        var text = File.ReadAllText(TestPaths.TestData("Tokenization", "tokenizer.json"), Encoding.UTF8).Replace("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}", StringComparison.Ordinal);
        var tokenizer = TokenizerFactory.FromTokenizerJson(TempFile.Write("tokenizer.json", text));

        Assert.Equal([263, 69, 262], tokenizer.Encode("café"));
        Assert.Equal([263, 69, 262], tokenizer.Encode("cafe\u0301"));
    }

    [Theory]
    [InlineData("osx-arm64")]
    [InlineData("win-x64")]
    public void A_tokenizer_json_off_linux_x64_is_refused_naming_what_is_missing(string platform)
    {
        var error = Assert.Throws<BenchmarkInputException>(() => HuggingFaceTokenizerJson.RequireNativeLibrary("m/tokenizer.json", platform));

        Assert.Equal($"m/tokenizer.json: a tokenizer.json is encoded by Hugging Face's native tokenizers library (Tokenizers.DotNet), which the suite ships only for linux-x64, not for {platform}. " +
            "Fix: run on linux-x64, or give the checkpoint its vocab.json + merges.txt, tokenizer.model or tiktoken file instead", error.Message);
        HuggingFaceTokenizerJson.RequireNativeLibrary("m/tokenizer.json", "linux-x64");
    }

    [Fact]
    public void A_sentencepiece_model_encodes_following_text_without_the_dummy_prefix()
    {
        var path = TempFile.WriteBytes("tokenizer.model", SentencePieceModelWriter.Bpe(Pieces));

        var tokenizer = TokenizerFactory.Create(new TokenizerFiles(null, null, null, path));

        Assert.Equal(TokenizerKind.SentencePiece, tokenizer.Kind);
        Assert.Equal(15, tokenizer.VocabularySize);
        Assert.Equal(1, tokenizer.FindTokenId("<s>"));
        // "▁the▁cat": ▁t, he, ▁the, ▁c, at, ▁cat.
        Assert.Equal([5, 8], tokenizer.Encode("the cat"));
        Assert.Equal([5], tokenizer.Encode("the"));
        // At the start of text the dummy prefix adds a second ▁ ...
        Assert.Equal([9, 8], tokenizer.Encode(" cat"));
        // ... after other text it does not, and no BOS is added.
        Assert.Equal([8], tokenizer.EncodeFollowing(" cat"));
        Assert.Equal([13, 7], tokenizer.EncodeFollowing("cat"));
    }

    [Fact]
    public void A_sentencepiece_model_with_a_normalization_rule_is_refused_rather_than_encoded_differently()
    {
        var path = TempFile.WriteBytes("tokenizer.model", SentencePieceModelWriter.Bpe(Pieces, normalizationRule: "nmt_nfkc"));

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromSentencePiece(path));

        Assert.Equal($"{path} (normalizer_spec): the model normalizes text with the rule \"nmt_nfkc\", which Microsoft.ML.Tokenizers does not apply, " +
            "so its ids would differ from sentencepiece's (for \"ﬁ\" or \"①\", say). Fix: give the checkpoint its tokenizer.json instead " +
            "(Hugging Face's converter carries the rule into it), or use a model trained with --normalization_rule_name=identity", error.Message);
    }

    [Fact]
    public void A_unigram_sentencepiece_model_with_byte_fallback_is_refused()
    {
        var path = TempFile.WriteBytes("tokenizer.model", SentencePieceModelWriter.Bpe(Pieces, modelType: SentencePieceModelWriter.UnigramType, byteFallback: true));

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromSentencePiece(path));

        Assert.StartsWith($"{path} (trainer_spec.byte_fallback): the model is a Unigram model with byte fallback, which Microsoft.ML.Tokenizers gets wrong", error.Message);
    }

    [Fact]
    public void A_broken_sentencepiece_model_is_refused()
    {
        var path = TempFile.WriteBytes("tokenizer.model", [0xFF, 0xFF, 0xFF]);

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromSentencePiece(path));

        Assert.StartsWith($"{path}: cannot read the SentencePiece model: ", error.Message);
        Assert.EndsWith(". Fix: give the tokenizer.model file saved with the checkpoint", error.Message);
    }
}
