using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>
/// Small SentencePiece models trained by sentencepiece itself (TestData/Tokenization/sentencepiece/make-models.py), against
/// sentencepiece's own ids: equal where Microsoft.ML.Tokenizers reproduces it, refused with one error where it would not.
/// </summary>
public sealed class SentencePieceReferenceTests
{
    private static string Model(string name) => TestPaths.TestData("Tokenization", "sentencepiece", name + ".model");

    private static (string[] Texts, int[][] Ids) Expected(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.TestData("Tokenization", "sentencepiece", "expected.json")));
        var texts = document.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var ids = document.RootElement.GetProperty("ids").GetProperty(name).EnumerateArray()
            .Select(a => a.EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToArray();
        return (texts, ids);
    }

    [Fact]
    public void A_byte_fallback_bpe_model_gives_sentencepieces_ids()
    {
        var (texts, ids) = Expected("bpe-identity-bytefallback");
        var tokenizer = TokenizerFactory.FromPath(Model("bpe-identity-bytefallback"));

        for (var i = 0; i < texts.Length; i++) Assert.Equal(ids[i], tokenizer.Encode(texts[i]));
        Assert.Equal(TokenizerKind.SentencePiece, tokenizer.Kind);
    }

    [Fact]
    public void Without_byte_fallback_neighbouring_unknown_characters_are_refused_and_the_rest_equal_sentencepiece()
    {
        var (texts, ids) = Expected("bpe-identity");
        var tokenizer = TokenizerFactory.FromPath(Model("bpe-identity"));

        for (var i = 0; i < texts.Length; i++)
        {
            if (texts[i] is "①②" or "Zürich café")
            {
                // sentencepiece fuses the run into one <unk>; Microsoft.ML would give one <unk> per character.
                var error = Assert.Throws<BenchmarkInputException>(() => tokenizer.Encode(texts[i]));
                Assert.Contains("neighbouring characters outside the SentencePiece model's vocabulary", error.Message);
                Assert.Contains(0, ids[i]);
            }
            else
            {
                Assert.Equal(ids[i], tokenizer.Encode(texts[i]));
            }
        }
    }

    [Fact]
    public void A_unigram_model_with_byte_fallback_is_refused()
    {
        var path = Model("unigram-identity-bytefallback");

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromPath(path));

        Assert.Equal($"{path} (trainer_spec.byte_fallback): the model is a Unigram model with byte fallback, which Microsoft.ML.Tokenizers gets wrong for characters outside the vocabulary. " +
            "Fix: give the checkpoint its tokenizer.json instead", error.Message);
    }
}
