using System.Text.Json;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>The reference family's tokenizer, built in C#, must reproduce the ids its Python trainer wrote for the sample text.</summary>
public sealed class ReferenceTokenizerTests
{
    private static readonly string Tokenizer = Path.Combine(TestPaths.ReferenceFamilyDirectory, "tokenizer");
    private static readonly string Validation = Path.Combine(TestPaths.ReferenceFamilyDirectory, "validation");

    [Fact]
    public void Encodes_the_whole_sample_text_to_the_trainers_ids()
    {
        var sample = Path.Combine(Validation, "tokenizer-sample.txt");
        var tokenizer = TokenizerFactory.Create(new TokenizerFiles(Path.Combine(Tokenizer, "vocab.json"), Path.Combine(Tokenizer, "merges.txt"), null, null));
        var text = File.ReadAllText(sample);
        using var fixture = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Validation, "tokenizer-sample.ids.json")));
        var expected = fixture.RootElement.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();

        var ids = tokenizer.Encode(text);

        Assert.True(text.Length >= 100_000, $"the sample has only {text.Length} characters");
        Assert.Equal(expected.Length, ids.Length);
        Assert.Equal(expected, ids);
        Assert.Equal(text, tokenizer.Decode(ids));
    }
}
