using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>
/// Real tokenizer.json files of three pipeline shapes against Hugging Face's implementation (@huggingface/tokenizers):
/// Qwen3 (NFC, Sequence[Split(regex), ByteLevel]), Mistral 7B (Prepend + Replace normalizer, byte-fallback BPE: a dummy
/// prefix) and Yi (Replace normalizer without prefix, byte-fallback BPE). Sources and licences: TestData/Tokenization/hf/README.md.
/// </summary>
public sealed class HuggingFaceReferenceTests
{
    public static TheoryData<string> Files => ["qwen3", "mistral", "yi"];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_prompt_class_and_completion_of_every_task_gets_hugging_faces_ids(string name)
    {
        var tokenizer = ReferenceIds.TokenizerJson(name);
        var expected = ReferenceIds.Expected(name);
        var texts = ReferenceIds.TaskFiles().SelectMany(f => f).SelectMany(ReferenceIds.Texts)
            .Concat(ReferenceIds.SampledRequests().SelectMany(ReferenceIds.Texts))
            .Distinct(StringComparer.Ordinal).ToList();

        var missing = texts.Where(t => !expected.ContainsKey(ReferenceIds.Key(t))).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} texts have no reference ids (re-run make-expected.mjs), e.g. {missing.FirstOrDefault()}");
        Assert.Equal(expected.Count, texts.Count);
        var differ = texts.Where(t => !tokenizer.Encode(t).AsSpan().SequenceEqual(expected[ReferenceIds.Key(t)])).ToList();
        Assert.True(differ.Count == 0, $"{differ.Count} of {texts.Count} texts differ from Hugging Face's ids, e.g. \"{differ.FirstOrDefault()}\"");
        Assert.True(texts.Count > 8000);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Scored_tokens_are_what_the_continuation_becomes_inside_the_full_text(string name)
    {
        var tokenizer = ReferenceIds.TokenizerJson(name);
        var expected = ReferenceIds.Expected(name);
        var encoder = new RequestEncoder(tokenizer, new BosSpec(BosSpec.None, null), 1 << 20, "family.json");
        var requests = ReferenceIds.SampledRequests().ToList();

        foreach (var request in requests)
        {
            var encoded = encoder.Encode(request);
            var context = expected[ReferenceIds.Key(request.Context.TrimEnd())];
            var joint = expected[ReferenceIds.Key(request.Context + request.Continuation)];

            Assert.Equal(context, encoded.Context);
            Assert.True(joint.AsSpan(0, context.Length).SequenceEqual(context), $"the context's ids are not a prefix of the joint ids: {request}");
            Assert.Equal(joint[context.Length..], encoded.Continuation);
            Assert.False(encoded.BoundaryDiffers);
        }
        Assert.True(requests.Count > 800);
    }

    [Fact]
    public void A_dummy_prefix_tokenizer_scores_no_spurious_metaspace_where_separate_encoding_would()
    {
        var tokenizer = ReferenceIds.TokenizerJson("mistral");
        var pieces = ReferenceIds.Pieces("mistral");
        var encoder = new RequestEncoder(tokenizer, new BosSpec(BosSpec.None, null), 1 << 20, "family.json");
        // Continuations with a leading space and no character that byte fallback would spell as <0xNN> pieces.
        var spaced = ReferenceIds.SampledRequests().Where(r => r.Continuation.StartsWith(' ') && r.Continuation.All(char.IsAscii) && !r.Continuation.Contains('\n')).ToList();
        string Spelled(int[] ids) => string.Concat(ids.Select(id => pieces[id]));

        var scoredExtra = spaced.Count(r => Spelled(encoder.Encode(r).Continuation) != r.Continuation.Replace(' ', '▁'));
        var separateExtra = spaced.Count(r => Spelled(tokenizer.Encode(r.Continuation)) == "▁" + r.Continuation.Replace(' ', '▁'));

        Assert.True(spaced.Count > 800, $"{spaced.Count} requests");
        // The scored tokens spell exactly the continuation ...
        Assert.Equal(0, scoredExtra);
        // ... where the old rule, the continuation encoded on its own, gets the dummy prefix's "▁" before every one.
        Assert.Equal(spaced.Count, separateExtra);
        Assert.Equal("▁Yes", Spelled(encoder.Encode(new LoglikelihoodRequest("Is it?", " Yes")).Continuation));
        Assert.StartsWith("▁▁", Spelled(tokenizer.Encode(" Yes")));
    }

    [Theory]
    [InlineData("qwen3", 151669)]
    [InlineData("mistral", 32000)]
    [InlineData("yi", 64000)]
    public void Vocabulary_size_and_special_tokens_come_from_the_file(string name, int size)
    {
        var tokenizer = ReferenceIds.TokenizerJson(name);

        Assert.Equal(TokenizerKind.TokenizerJson, tokenizer.Kind);
        Assert.Equal(size, tokenizer.VocabularySize);
        Assert.Equal(name == "qwen3" ? 151643 : name == "mistral" ? 1 : 1, tokenizer.FindTokenId(name == "qwen3" ? "<|endoftext|>" : name == "mistral" ? "<s>" : "<|startoftext|>"));
    }
}
