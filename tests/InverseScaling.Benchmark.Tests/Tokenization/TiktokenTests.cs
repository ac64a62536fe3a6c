using System.IO.Compression;
using System.Reflection;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tests.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>tiktoken encodings by name and by file against OpenAI's tiktoken (ids in TestData/Tokenization/hf/expected).</summary>
public sealed class TiktokenTests
{
    public static TheoryData<string, int> Encodings => new() { { "gpt2", 50257 }, { "cl100k_base", 100277 }, { "o200k_base", 200019 } };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void An_encoding_by_name_gives_tiktokens_ids(string name, int vocabularySize)
    {
        var tokenizer = TokenizerFactory.Create(new TokenizerFiles(null, null, null, null, TiktokenEncoding: name));

        AssertReferenceIds(tokenizer, "tiktoken-" + name);
        Assert.Equal(TokenizerKind.Tiktoken, tokenizer.Kind);
        Assert.Equal(vocabularySize, tokenizer.VocabularySize);
        Assert.NotNull(tokenizer.FindTokenId("<|endoftext|>"));
    }

    [Fact]
    public void A_tiktoken_file_named_after_its_encoding_gives_tiktokens_ids()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "r50k_base.tiktoken");
        File.WriteAllBytes(path, PackagedRanks("Microsoft.ML.Tokenizers.Data.R50kBase", "r50k_base"));

        var byName = TokenizerFactory.FromPath(path);
        var renamed = Path.Combine(Path.GetDirectoryName(path)!, "ranks.tiktoken");
        File.Copy(path, renamed);
        var byField = TokenizerFactory.Create(new TokenizerFiles(null, null, null, null, renamed, "gpt2"));

        // r50k_base and gpt2 are the same ranks, pattern and special token.
        AssertReferenceIds(byName, "tiktoken-gpt2");
        AssertReferenceIds(byField, "tiktoken-gpt2");
        Assert.Equal(50257, byName.VocabularySize);
    }

    [Fact]
    public void A_tiktoken_file_that_names_no_encoding_is_refused()
    {
        var path = TempFile.Write("ranks.tiktoken", "IQ== 0\n");

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromPath(path));

        Assert.Equal($"{path}: a tiktoken file does not say which split pattern it needs, and its name \"ranks.tiktoken\" names no known encoding. " +
            "Fix: name the file after its encoding (gpt2.tiktoken, r50k_base.tiktoken, cl100k_base.tiktoken, o200k_base.tiktoken), or give \"tiktoken\" with the encoding's name beside it", error.Message);
    }

    [Fact]
    public void A_malformed_tiktoken_line_is_refused_with_its_number()
    {
        var path = TempFile.Write("cl100k_base.tiktoken", "IQ== 0\nIg== 1\nnot base64!\n");

        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.FromPath(path));

        Assert.Equal($"{path}:3: line \"not base64!\" is not a base64 token, a space and a rank. Fix: give the .tiktoken file of the encoding", error.Message);
    }

    [Fact]
    public void An_unknown_encoding_name_is_refused()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => TokenizerFactory.Create(new TokenizerFiles(null, null, null, null, TiktokenEncoding: "p50k_base")));

        Assert.Equal("(tiktoken) (tiktoken): tiktoken encoding \"p50k_base\" is not one the suite ships. Fix: use one of gpt2, r50k_base, cl100k_base, o200k_base, or give a *.tiktoken file", error.Message);
    }

    private static void AssertReferenceIds(CheckpointTokenizer tokenizer, string expectedName)
    {
        var expected = ReferenceIds.Expected(expectedName);
        var texts = ReferenceIds.TaskFiles().SelectMany(f => f.Take(ReferenceIds.SampledExamples)).SelectMany(ReferenceIds.Texts)
            .Concat(ReferenceIds.SampledRequests().SelectMany(ReferenceIds.Texts)).Distinct(StringComparer.Ordinal).ToList();

        Assert.Equal(expected.Count, texts.Count);
        var differ = texts.Where(t => !tokenizer.Encode(t).AsSpan().SequenceEqual(expected[ReferenceIds.Key(t)])).ToList();
        Assert.True(differ.Count == 0, $"{differ.Count} of {texts.Count} texts differ from tiktoken's ids, e.g. \"{differ.FirstOrDefault()}\"");
    }

    /// <summary>The ranks a Microsoft.ML.Tokenizers.Data package embeds (deflated), as a plain .tiktoken file (without its "Capacity" line).</summary>
    private static byte[] PackagedRanks(string package, string encoding)
    {
        using var resource = Assembly.Load(package).GetManifestResourceStream($"{encoding}.tiktoken.deflate")!;
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress));
        var text = reader.ReadToEnd();
        Assert.StartsWith("Capacity: ", text);
        return System.Text.Encoding.UTF8.GetBytes(text[(text.IndexOf('\n') + 1)..]);
    }
}
