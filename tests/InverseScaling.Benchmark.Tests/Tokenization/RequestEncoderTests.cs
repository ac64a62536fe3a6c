using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>Ids are those of <see cref="TinyTokenizer"/>: t 83, he 257, Ġcat 265, Ġthe 258, ca 263, cat 264, &lt;|endoftext|&gt; 266.</summary>
public sealed class RequestEncoderTests
{
    private static readonly CheckpointTokenizer Tokenizer = TinyTokenizer.Create();
    private static readonly BosSpec NoBos = new(BosSpec.None, "<|endoftext|>");

    private static RequestEncoder Encoder(BosSpec? bos = null, int maxContext = 1024) => new(Tokenizer, bos ?? NoBos, maxContext, "family.json");

    [Fact]
    public void Encodes_context_and_continuation_separately()
    {
        var encoded = Encoder().Encode(new LoglikelihoodRequest("the", " cat"));

        Assert.Equal([83, 257], encoded.Context);
        Assert.Equal([265], encoded.Continuation);
        Assert.False(encoded.BoundaryDiffers);
        Assert.Equal(0, encoded.TruncatedTokens);
    }

    [Fact]
    public void Moves_trailing_whitespace_of_the_context_into_the_continuation()
    {
        var encoded = Encoder().Encode(new LoglikelihoodRequest("the ", "cat"));
        var newlines = Encoder().Encode(new LoglikelihoodRequest("x\n", "\n"));

        Assert.Equal([83, 257], encoded.Context);
        Assert.Equal([265], encoded.Continuation);
        // "x" | "\n\n": the two newlines merge (Ċ Ċ) once together in the continuation.
        Assert.Equal([87], newlines.Context);
        Assert.Equal([261], newlines.Continuation);
        Assert.False(newlines.BoundaryDiffers);
    }

    [Fact]
    public void Flags_a_boundary_that_joint_encoding_would_split_differently()
    {
        // "ca" + "t" separately is (ca)(t); together "cat" is one token (264).
        var word = Encoder().Encode(new LoglikelihoodRequest("ca", "t"));
        // "1" + "2345" separately is (1)(2)(3)(4)(5); together the digit run starts with (12).
        var digits = Encoder().Encode(new LoglikelihoodRequest("1", "2345"));

        Assert.Equal([263], word.Context);
        Assert.Equal([83], word.Continuation);
        Assert.True(word.BoundaryDiffers);
        Assert.Equal([16], digits.Context);
        Assert.Equal([17, 18, 19, 20], digits.Continuation);
        Assert.True(digits.BoundaryDiffers);
    }

    [Fact]
    public void Policy_none_puts_bos_only_before_an_empty_context()
    {
        var withContext = Encoder().Encode(new LoglikelihoodRequest("the", " cat"));
        var empty = Encoder().Encode(new LoglikelihoodRequest("", " the"));
        var onlySpace = Encoder().Encode(new LoglikelihoodRequest(" ", "the"));

        Assert.Equal([83, 257], withContext.Context);
        Assert.Equal([266], empty.Context);
        Assert.Equal([258], empty.Continuation);
        Assert.False(empty.BoundaryDiffers);
        Assert.Equal([266], onlySpace.Context);
        Assert.Equal([258], onlySpace.Continuation);
    }

    [Fact]
    public void Policy_always_puts_bos_before_every_context()
    {
        var encoder = Encoder(new BosSpec(BosSpec.Always, "<|endoftext|>"));

        Assert.Equal(266, encoder.BosId);
        Assert.Equal([266, 83, 257], encoder.Encode(new LoglikelihoodRequest("the", " cat")).Context);
        Assert.Equal([266], encoder.Encode(new LoglikelihoodRequest("", " cat")).Context);
    }

    [Fact]
    public void An_empty_context_without_a_bos_token_is_refused_naming_the_example()
    {
        var encoder = Encoder(new BosSpec(BosSpec.None, null));

        var error = Assert.Throws<BenchmarkInputException>(() => encoder.Encode(new LoglikelihoodRequest("", " the"), new SourceLocation("t.jsonl", 4)));

        Assert.Equal("t.jsonl:4: the context is empty and the checkpoint names no BOS token to put before the continuation. Fix: give the checkpoint a \"bos\" token in family.json, or give the example a prompt", error.Message);
    }

    [Theory]
    [InlineData("sometimes", "<|endoftext|>", "family.json (bos.policy): unknown BOS policy \"sometimes\". Fix: use \"none\" or \"always\"")]
    [InlineData("always", null, "family.json (bos.token): BOS policy \"always\" needs a token. Fix: give \"bos.token\"")]
    public void A_bad_bos_spec_is_refused(string policy, string? token, string expected)
    {
        var error = Assert.Throws<BenchmarkInputException>(() => Encoder(new BosSpec(policy, token)));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void A_bos_token_outside_the_vocabulary_is_refused()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => Encoder(new BosSpec(BosSpec.Always, "<s>")));

        Assert.Equal($"family.json (bos.token): BOS token \"<s>\" is not in the tokenizer's vocabulary ({TinyTokenizer.Vocab}). Fix: name a token the tokenizer has", error.Message);
    }

    [Fact]
    public void Cuts_the_context_from_the_left_and_keeps_the_whole_continuation()
    {
        // "the cat the" is t he Ġcat Ġthe (4 tokens) and " cat" is Ġcat: 5 tokens for a context of 4.
        var encoded = Encoder(maxContext: 4).Encode(new LoglikelihoodRequest("the cat the", " cat"));
        var withBos = Encoder(new BosSpec(BosSpec.Always, "<|endoftext|>"), maxContext: 4).Encode(new LoglikelihoodRequest("the cat the", " cat"));

        Assert.Equal([257, 265, 258], encoded.Context);
        Assert.Equal([265], encoded.Continuation);
        Assert.Equal(1, encoded.TruncatedTokens);
        Assert.Equal(4, encoded.Length);
        Assert.Equal([257, 265, 258], withBos.Context);
        Assert.Equal(2, withBos.TruncatedTokens);
    }

    [Fact]
    public void A_continuation_that_fills_all_but_one_position_keeps_one_context_token()
    {
        // "12 12" is (12)(Ġ)(12): 3 tokens.
        var encoded = Encoder(maxContext: 4).Encode(new LoglikelihoodRequest("the cat", "12 12"));

        Assert.Equal([265], encoded.Context);
        Assert.Equal([260, 220, 260], encoded.Continuation);
        Assert.Equal(2, encoded.TruncatedTokens);
    }

    [Fact]
    public void A_continuation_too_long_for_the_context_window_is_refused_naming_the_example()
    {
        var examples = new TaskExample[] { new SequenceProbExample(0, new SourceLocation("t.jsonl", 7), "the", " 12 12") };
        var set = RequestBuilder.Build(examples, TestContext.Current.CancellationToken);

        var error = Assert.Throws<BenchmarkInputException>(() => Encoder(maxContext: 4).Encode(set, TestContext.Current.CancellationToken));

        Assert.Equal("t.jsonl:7: the continuation is 4 tokens, which with one context token does not fit the model's context of 4 tokens. Fix: shorten the class or completion, or use checkpoints with a longer context", error.Message);
    }

    [Fact]
    public void An_empty_continuation_is_refused()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => Encoder().Encode(new LoglikelihoodRequest("the", ""), new SourceLocation("t.jsonl", 2)));

        Assert.Equal("t.jsonl:2: the continuation is empty. Fix: give every class or completion some text", error.Message);
    }

    [Fact]
    public void Encodes_a_task_in_request_order_reusing_the_prompt_across_classes()
    {
        var examples = new TaskExample[]
        {
            new ClassificationExample(0, new SourceLocation("t.jsonl", 1), "the", [" cat", " the"], 0),
            new ClassificationExample(1, new SourceLocation("t.jsonl", 2), "ca", ["t", " cat"], 1),
        };
        var set = RequestBuilder.Build(examples, TestContext.Current.CancellationToken);

        var encoded = Encoder().Encode(set, TestContext.Current.CancellationToken);

        Assert.Equal(4, encoded.Length);
        Assert.Equal([[265], [258], [83], [265]], encoded.Select(e => e.Continuation));
        Assert.Equal([false, false, true, false], encoded.Select(e => e.BoundaryDiffers));
        Assert.Equal([263], encoded[2].Context);
        Assert.Same(encoded[0].Context, encoded[1].Context);
    }
}
