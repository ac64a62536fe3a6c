using System.Text;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tests.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

public sealed class TokenizerFactoryTests
{
    public static TheoryData<string, int[]> Cases => TinyTokenizer.Cases;

    private static readonly string[] MergeLines = ["Ġ t", "h e", "Ġt he", "Ġ Ġ", "1 2", "Ċ Ċ", "Ã ©", "c a", "ca t", "Ġ cat"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vocab_and_merges_give_the_hand_derived_ids(string text, int[] expected)
    {
        var tokenizer = TinyTokenizer.Create();

        Assert.Equal(expected, tokenizer.Encode(text));
        Assert.Equal(expected, tokenizer.EncodeFollowing(text));
        Assert.Equal(text, tokenizer.Tokenizer.Decode(expected));
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

        Assert.Equal(TokenizerKind.ByteLevelBpe, tokenizer.Kind);
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
    [InlineData("\"type\": \"BPE\"", "\"type\": \"Unigram\"", "(model.type): model type \"Unigram\" is not supported")]
    [InlineData("\"add_prefix_space\": false, \"trim_offsets\": true", "\"add_prefix_space\": true, \"trim_offsets\": true",
        "(pre_tokenizer.add_prefix_space): add_prefix_space is true, which puts a space before every text and is not supported")]
    [InlineData("\"pre_tokenizer\": {\"type\": \"ByteLevel\"", "\"pre_tokenizer\": {\"type\": \"Metaspace\"", "(pre_tokenizer): pre-tokenizer \"Metaspace\" is not supported")]
    [InlineData("\"normalizer\": null", "\"normalizer\": {\"type\": \"Lowercase\"}", "(normalizer): normalizer \"Lowercase\" is not supported")]
    [InlineData("[\"Ġ\", \"t\"]", "[\"Ġ\", \"zz\"]", "(model.merges[0]): merge \"Ġ zz\" uses \"zz\", which is not in the vocabulary")]
    [InlineData("[\"Ġ\", \"t\"]", "[\"Ġ\"]", "(model.merges[0]): merge [\"Ġ\"] is neither \"a b\" nor [\"a\", \"b\"]")]
    [InlineData("\"id\": 266", "\"id\": -1", "(added_tokens[0].id): the id of added token \"<|endoftext|>\" is not a non-negative integer")]
    public void Unsupported_or_broken_tokenizer_json_is_refused(string find, string replace, string expectedAfterPath)
    {
        var text = File.ReadAllText(TestPaths.TestData("Tokenization", "tokenizer-pair-merges.json"), Encoding.UTF8);
        Assert.Contains(find, text);
        var path = TempFile.Write("tokenizer.json", text.Replace(find, replace));

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromTokenizerJson(path));

        Assert.StartsWith($"{path} {expectedAfterPath}", error.Message);
    }

    [Fact]
    public void A_sentencepiece_model_encodes_following_text_without_the_dummy_prefix()
    {
        // Pieces score higher the earlier they merge: ▁t, he, ▁the, ▁c, at, ▁cat, then the single symbols.
        var model = SentencePieceModelWriter.Bpe(
        [
            ("<unk>", 0, SentencePieceModelWriter.Unknown), ("<s>", 0, SentencePieceModelWriter.Control), ("</s>", 0, SentencePieceModelWriter.Control),
            ("▁t", -1, 1), ("he", -2, 1), ("▁the", -3, 1), ("▁c", -4, 1), ("at", -5, 1), ("▁cat", -6, 1),
            ("▁", -7, 1), ("t", -8, 1), ("h", -9, 1), ("e", -10, 1), ("c", -11, 1), ("a", -12, 1),
        ]);
        var path = TempFile.WriteBytes("tokenizer.model", model);

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
    public void A_broken_sentencepiece_model_is_refused()
    {
        var path = TempFile.WriteBytes("tokenizer.model", [0xFF, 0xFF, 0xFF]);

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromSentencePiece(path));

        Assert.StartsWith($"{path}: cannot read the SentencePiece model: ", error.Message);
        Assert.EndsWith(". Fix: give the tokenizer.model file saved with the checkpoint", error.Message);
    }

    [Theory]
    [InlineData("plain ASCII, curly ’quotes’ — dashes, 漢字 and 😀", -1)]
    [InlineData("cafe\u0301", 4)]
    [InlineData("\u212B ngstr\u00f6m", 0)]
    public void Nfc_candidates_are_found_conservatively(string text, int expected)
    {
        Assert.Equal(expected, NfcNormalizer.FirstCandidate(text));
    }

    [Fact]
    public void A_tokenizer_json_declaring_nfc_composes_or_refuses()
    {
        var text = File.ReadAllText(TestPaths.TestData("Tokenization", "tokenizer.json"), Encoding.UTF8).Replace("\"normalizer\": null", "\"normalizer\": {\"type\": \"NFC\"}");
        var tokenizer = TokenizerFactory.FromTokenizerJson(TempFile.Write("tokenizer.json", text));

        Assert.Equal([263, 69, 262], tokenizer.Encode("café"));
        if ("e\u0301".Normalize(NormalizationForm.FormC) == "\u00e9")
        {
            Assert.Equal([263, 69, 262], tokenizer.Encode("cafe\u0301"));
        }
        else
        {
            var error = Assert.Throws<InvalidOperationException>(() => tokenizer.Encode("cafe\u0301"));
            Assert.StartsWith("the tokenizer declares NFC normalisation and the text has U+0301 at character 5", error.Message);
        }
    }
}
