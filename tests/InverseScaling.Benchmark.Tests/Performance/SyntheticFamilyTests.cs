using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Performance;

public sealed class SyntheticFamilyTests
{
    private static readonly SyntheticDecoderShape Small = new("s", 16, 2, 2, 64, 32);

    [Fact]
    public void Gpt2_small_shape_has_gpt2_smalls_parameter_counts()
    {
        var shape = new SyntheticDecoderShape("gpt2", 768, 12, 12, 50_257, 1_024);

        Assert.Equal(85_056_000, shape.NonEmbeddingParameters); // 12 · 7,087,872 + 1,536
        Assert.Equal(124_439_808, shape.Parameters); // + 50,257·768 + 1,024·768
    }

    [Fact]
    public void The_written_model_has_the_shapes_parameters_a_tied_head_and_its_position_table()
    {
        var (model, data, withPast) = SyntheticDecoder.Write(Small, TestPaths.NewTempDirectory(), 7, cancellationToken: TestContext.Current.CancellationToken);

        var facts = ModelInspector.Inspect(model, TestContext.Current.CancellationToken);
        // 2·(12·256 + 13·16) + 2·16 = 6,592 non-embedding; + (64 + 32)·16 = 8,128.
        Assert.Equal(6_592, facts.NonEmbeddingParameters);
        Assert.Equal(8_128, facts.Parameters);
        Assert.True(facts.TiedHead);
        Assert.Equal(32, facts.PositionLimit);
        Assert.Equal([Path.GetFullPath(data)], facts.ExternalData);
        Assert.Null(withPast);
    }

    [Fact]
    public void The_model_is_causal_ignores_padding_and_gives_finite_logits_of_order_one()
    {
        var path = SyntheticDecoder.Write(Small, TestPaths.NewTempDirectory(), 7, cancellationToken: TestContext.Current.CancellationToken).Model;
        using var model = OnnxDecoder.Create(path, new OnnxModelOptions(64, 32, 1));
        float[] Run(long[] tokens, int[] lengths, int length)
        {
            float[] copy = [];
            model.Forward(tokens, lengths, length, logits => copy = logits.ToArray(), TestContext.Current.CancellationToken);
            return copy;
        }

        var whole = Run([5, 9, 13, 2], [4], 4);
        var changedLast = Run([5, 9, 13, 40], [4], 4);
        var padded = Run([5, 9, 13, 2, 7, 7, 0, 0], [4, 2], 4);

        Assert.All(whole, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 10));
        Assert.True(whole.Max() - whole.Min() > 0.01f); // the random weights do distinguish tokens
        Assert.Equal(whole.AsSpan(0, 3 * 64).ToArray(), changedLast.AsSpan(0, 3 * 64).ToArray());
        Assert.NotEqual(whole.AsSpan(3 * 64).ToArray(), changedLast.AsSpan(3 * 64).ToArray());
        for (var i = 0; i < whole.Length; i++) Assert.Equal(whole[i], padded[i], 1e-5f);
        var alone = Run([7, 7], [2], 2);
        for (var i = 0; i < alone.Length; i++) Assert.Equal(alone[i], padded[4 * 64 + i], 1e-5f);
    }

    [Fact]
    public void The_family_loads_with_gpt2s_tokenizer_and_a_wide_variant_that_tokenizes_alike()
    {
        var directory = TestPaths.NewTempDirectory();
        SyntheticFamily.Write(directory, [Small with { Name = "narrow", Vocabulary = 50_257 }, Small with { Name = "wide", Vocabulary = 151_936 }],
            cancellationToken: TestContext.Current.CancellationToken);

        var family = FamilyLoader.Load(directory, cancellationToken: TestContext.Current.CancellationToken);
        var narrow = TokenizerFactory.Create(family.Checkpoints[0].Tokenizer);
        var wide = TokenizerFactory.Create(family.Checkpoints[1].Tokenizer);

        Assert.Equal(50_257, narrow.VocabularySize);
        Assert.Equal(151_936, wide.VocabularySize);
        Assert.Equal([15496, 995], narrow.Encode("Hello world")); // GPT-2's ids
        Assert.Equal(narrow.Encode("Hello world, ÿþ résumé <|endoftext|>"), wide.Encode("Hello world, ÿþ résumé <|endoftext|>"));
        Assert.Equal(8_128 - 64 * 16 + 50_257 * 16, family.Checkpoints[0].Manifest.Parameters);
    }

    [Fact]
    public void The_with_past_export_reads_the_plain_exports_weights_and_continues_its_logits()
    {
        var cancel = TestContext.Current.CancellationToken;
        var directory = TestPaths.NewTempDirectory();
        var export = SyntheticDecoder.Write(Small, directory, 7, withPast: true, cancel);
        Assert.NotNull(export.WithPast);
        Assert.Equal([export.WithPast, export.Model, export.Model + ".data"], Directory.GetFiles(directory).Order(StringComparer.Ordinal)); // one weights file for both
        var options = new OnnxModelOptions(64, 32, 1);
        using var plain = OnnxDecoder.Create(export.Model, options);
        using var withPast = OnnxDecoder.Create(export.WithPast, options, OnnxExport.WithPast);
        Assert.Equal(new KeyValueShape(2, 2, 8), withPast.CacheShape);

        long[] text = [5, 9, 13, 2, 40, 7];
        float[] reference = [];
        plain.Forward(text, [6], 6, logits => reference = logits.ToArray(), cancel);

        // Prefill [5, 9, 13] beside a shorter row, continue the first row with [2, 40, 7] and the second with [2].
        var worst = 0.0;
        using var cache = withPast.Prefill([5, 9, 13, 5, 9, 0], [3, 2], 3, next => worst = Math.Max(worst, MaxDifference(reference.AsSpan(2 * 64, 64), next[..64])), cancel);
        withPast.Extend(cache, [0, 1], [2, 40, 7, 2, 0, 0], [3, 1], 3, logits => worst = Math.Max(worst, MaxDifference(reference.AsSpan(3 * 64, 3 * 64), logits[..(3 * 64)])), cancel);
        float[] shortRow = [];
        plain.Forward([5, 9, 2], [3], 3, logits => shortRow = logits.ToArray(), cancel);
        withPast.Extend(cache, [1], [2], [1], 1, logits => worst = Math.Max(worst, MaxDifference(shortRow.AsSpan(2 * 64, 64), logits)), cancel);

        Assert.True(worst <= 1e-5, $"the with-past export's logits differ from the plain export's by {worst:E2}");
    }

    [Fact]
    public void Bench_on_a_with_past_family_runs_the_key_value_engine_below_the_minimum_and_agrees_with_the_naive_algorithm()
    {
        var cancel = TestContext.Current.CancellationToken;
        var directory = TestPaths.NewTempDirectory();
        var manifest = SyntheticFamily.Write(directory, [new SyntheticDecoderShape("w16", 16, 2, 2, SyntheticFamily.Gpt2Vocabulary, 1_024)], cancellationToken: cancel);
        var family = FamilyLoader.Load(manifest, cancellationToken: cancel);
        var tasks = TaskCatalog.Discover(TestPaths.Tasks).Where(t => t.Name is "neqa" or "memo-trap").ToList();

        var result = AlgorithmComparison.Compare(family.Checkpoints[0], tasks, new ComparisonOptions(Limit: 3, IncludeControls: false), manifest, cancellationToken: cancel);

        Assert.Equal("engine/kv-cache", result.EngineAlgorithm);
        Assert.True(result.Agreement.Within(1e-5), $"engine and naive differ by {result.Agreement.MaxRequestDifference:E2} ({result.Agreement.Worst})");
        Assert.Equal(2 * 3 * 2, result.Agreement.Requests); // two tasks, three examples, two classes each
        // A continuation's last token is never run, and each context is prefilled once: below the minimum.
        Assert.InRange(result.Engine.Statistics.Tokens, 1, result.MinimumTokens - 1);
        Assert.True(result.Naive.Statistics.Tokens > result.MinimumTokens);
        Assert.True(result.Memory!.Separate);
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var worst = 0.0;
        for (var i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
