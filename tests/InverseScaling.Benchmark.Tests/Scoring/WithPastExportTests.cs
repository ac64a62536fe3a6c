using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Onnx.Protobuf;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

/// <summary>
/// The reference family's with-past exports against its plain exports, on ONNX Runtime: the same logits within 1e-5
/// for whole sequences, for prompts prefilled left-padded (their next-token logits only), and for text continued on
/// gathered cache rows; and the checks that keep a with-past file beside the plain file it takes its weights from.
/// </summary>
public sealed class WithPastExportTests
{
    private const double Tolerance = 1e-5;

    private static readonly Lazy<Family> Reference = new(() => FamilyLoader.Load(TestPaths.ReferenceFamilyManifest));

    public static IEnumerable<TheoryDataRow<string>> Checkpoints() =>
        Reference.Value.Checkpoints.Select(c => new TheoryDataRow<string>(c.Name)).ToArray();

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void The_with_past_export_computes_the_plain_exports_logits(string name)
    {
        var cancel = TestContext.Current.CancellationToken;
        var checkpoint = Reference.Value.Checkpoints.Single(c => c.Name == name);
        Assert.NotNull(checkpoint.OnnxWithPastPath);
        var options = new OnnxModelOptions(4096, checkpoint.Manifest.MaxContext);
        using var plain = OnnxDecoder.Create(checkpoint.OnnxPath, options);
        using var withPast = OnnxDecoder.Create(checkpoint.OnnxWithPastPath, options, OnnxExport.WithPast);
        Assert.True(withPast.PrefillComputesLastLogitsOnly);
        Assert.Equal(withPast.CacheShape.Width, (checkpoint.Manifest.Parameters - checkpoint.Manifest.NonEmbeddingParameters) / (4096 + 1024));

        var texts = FixtureTexts(name).Take(5).ToList(); // 37 to 163 tokens
        var reference = AllLogits(plain, texts, cancel);

        // Whole sequences, right-padded, every position.
        var whole = AllLogits(withPast, texts, cancel);
        var worst = 0.0;
        for (var i = 0; i < texts.Count; i++) worst = Math.Max(worst, MaxDifference(reference[i], whole[i]));

        // Prefill the first half of each text; continue rows in another order, one of them twice, with the next tokens.
        var cut = texts.Select(t => t.Length / 2).ToArray();
        var (prompts, promptLengths, promptWidth) = Pack(texts.Select((t, i) => t[..cut[i]]).ToList());
        using var cache = withPast.Prefill(prompts, promptLengths, promptWidth, next =>
        {
            for (var i = 0; i < texts.Count; i++)
            {
                worst = Math.Max(worst, MaxDifference(reference[i].AsSpan((cut[i] - 1) * 4096, 4096), next.Slice(i * 4096, 4096)));
            }
        }, cancel);
        int[] rows = [3, 0, 4, 1, 3, 2];
        var continuations = rows.Select((r, k) => texts[r][cut[r]..(cut[r] + 2 + k)]).ToList();
        var (tokens, lengths, width) = Pack(continuations);
        withPast.Extend(cache, rows, tokens, lengths, width, logits =>
        {
            for (var k = 0; k < rows.Length; k++)
            {
                var r = rows[k];
                worst = Math.Max(worst, MaxDifference(
                    reference[r].AsSpan(cut[r] * 4096, lengths[k] * 4096),
                    logits.Slice(k * width * 4096, lengths[k] * 4096)));
            }
        }, cancel);

        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: worst |with-past − plain| logit difference {worst:E2}");
        Assert.True(worst <= Tolerance, $"{name}: the with-past export's logits differ from the plain export's by {worst:E2}");
    }

    [Fact]
    public void A_prompt_prefilled_in_chunks_gives_the_whole_prompts_numbers()
    {
        var cancel = TestContext.Current.CancellationToken;
        var checkpoint = Reference.Value.Checkpoints[^1];
        var options = new OnnxModelOptions(4096, checkpoint.Manifest.MaxContext);
        using var whole = OnnxDecoder.Create(checkpoint.OnnxWithPastPath!, options with { PrefillChunk = 0 }, OnnxExport.WithPast);
        using var chunked = OnnxDecoder.Create(checkpoint.OnnxWithPastPath!, options with { PrefillChunk = 16 }, OnnxExport.WithPast);
        var texts = FixtureTexts(checkpoint.Name).Take(5).Select(t => t[..Math.Min(t.Length, 70)]).ToList();
        var (tokens, lengths, width) = Pack(texts);
        float[] reference = [], next = [];
        int[] rows = [4, 0, 2];
        var (more, moreLengths, moreWidth) = Pack([[5, 6, 7], [8], [9, 10]]);
        float[] referenceMore = [], nextMore = [];

        using (var cache = whole.Prefill(tokens, lengths, width, l => reference = l.ToArray(), cancel))
        {
            whole.Extend(cache, rows, more, moreLengths, moreWidth, l => referenceMore = l.ToArray(), cancel);
        }
        using (var cache = chunked.Prefill(tokens, lengths, width, l => next = l.ToArray(), cancel))
        {
            chunked.Extend(cache, rows, more, moreLengths, moreWidth, l => nextMore = l.ToArray(), cancel);
        }

        Assert.Equal(70, width); // five chunks of 16 columns, the last 6 wide
        Assert.True(MaxDifference(reference, next) <= Tolerance, $"prefill differs by {MaxDifference(reference, next):E2}");
        Assert.True(MaxDifference(referenceMore, nextMore) <= Tolerance, $"continuation differs by {MaxDifference(referenceMore, nextMore):E2}");
    }

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void Cache_rows_gathered_inside_the_model_give_the_host_gathers_numbers_exactly(string name)
    {
        var cancel = TestContext.Current.CancellationToken;
        var checkpoint = Reference.Value.Checkpoints.Single(c => c.Name == name);
        var options = new OnnxModelOptions(4096, checkpoint.Manifest.MaxContext) { PrefillChunk = 24 };
        using var inModel = OnnxDecoder.Create(checkpoint.OnnxWithPastPath!, options with { GatherCacheRows = true }, OnnxExport.WithPast);
        using var onHost = OnnxDecoder.Create(checkpoint.OnnxWithPastPath!, options, OnnxExport.WithPast);
        Assert.True(inModel.GathersCacheRows, inModel.CacheRowsFallback);
        Assert.Null(inModel.CacheRowsFallback);
        Assert.False(onHost.GathersCacheRows); // the CPU's default
        Assert.Null(onHost.CacheRowsFallback);

        // Prompts of 20-60 tokens (chunked at 24), continued by rows in another order, some more than once.
        var texts = FixtureTexts(name).Take(4).Select((t, i) => t[..(20 + 13 * i)]).ToList();
        var (prompts, lengths, width) = Pack(texts);
        int[] rows = [2, 0, 3, 3, 1, 0];
        var (more, moreLengths, moreWidth) = Pack([[5, 6, 7], [8], [9, 10], [11], [12, 13, 14], [15, 16]]);
        (float[] Next, float[] More) Run(OnnxDecoder model)
        {
            float[] next = [], continued = [];
            using var cache = model.Prefill(prompts, lengths, width, l => next = l.ToArray(), cancel);
            model.Extend(cache, rows, more, moreLengths, moreWidth, l => continued = l.ToArray(), cancel);
            return (next, continued);
        }

        var expected = Run(onHost);
        var actual = Run(inModel);

        Assert.Equal(4 * 4096, actual.Next.Length);
        Assert.Equal(rows.Length * moreWidth * 4096, actual.More.Length);
        Assert.Equal(expected.Next, actual.Next);
        Assert.Equal(expected.More, actual.More);
    }

    [Fact]
    public void A_with_past_export_beside_another_plain_file_is_refused()
    {
        var checkpoints = Reference.Value.Checkpoints;
        var folder = TestPaths.NewTempDirectory();
        var withPast = Path.Combine(folder, Path.GetFileName(checkpoints[0].OnnxWithPastPath!));
        File.Copy(checkpoints[0].OnnxWithPastPath!, withPast);
        var weights = Path.Combine(folder, Path.GetFileName(checkpoints[0].OnnxPath));
        File.Copy(checkpoints[1].OnnxPath, weights);

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(withPast, new OnnxModelOptions(4096, 1024), OnnxExport.WithPast));

        Assert.Equal(
            $"{withPast} (onnxWithPast): its weights live in {Path.GetFileName(weights)}, which has sha256 {checkpoints[1].Manifest.Files.Onnx.Sha256}, " +
            $"but the with-past export was made from a file with sha256 {checkpoints[0].Manifest.Files.Onnx.Sha256}. Fix: re-run export_with_past.py after re-exporting the plain checkpoint",
            e.Message);

        File.Delete(weights);
        var missing = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(withPast, new OnnxModelOptions(4096, 1024), OnnxExport.WithPast));
        Assert.Equal($"its weights live in {Path.GetFileName(weights)}, which is not beside it", missing.Problem);
    }

    [Fact]
    public void A_plain_export_is_not_taken_for_a_with_past_export()
    {
        var plain = Reference.Value.Checkpoints[0].OnnxPath;

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(plain, new OnnxModelOptions(4096, 1024), OnnxExport.WithPast));

        Assert.Equal(
            $"{plain}: the model has no past_key_values.N.key/value inputs: it is not a with-past export. Fix: list the plain export under files.onnx and a with-past export (past_key_values.* in, present.* out) under files.onnxWithPast",
            e.Message);
    }

    [Fact]
    public void A_with_past_export_opened_as_a_plain_export_runs_whole_sequences_without_reuse()
    {
        var cancel = TestContext.Current.CancellationToken;
        var checkpoint = Reference.Value.Checkpoints[0];
        var options = new OnnxModelOptions(4096, checkpoint.Manifest.MaxContext);
        using var plain = OnnxDecoder.Create(checkpoint.OnnxPath, options);
        using var asPlain = OnnxDecoder.Create(checkpoint.OnnxWithPastPath!, options);
        using var withPast = OnnxDecoder.Create(checkpoint.OnnxWithPastPath!, options, OnnxExport.WithPast);
        var texts = FixtureTexts(checkpoint.Name).Take(3).ToList();

        var reference = AllLogits(plain, texts, cancel);
        var whole = AllLogits(asPlain, texts, cancel);

        Assert.Null(plain.KeyValues);
        Assert.Null(asPlain.KeyValues);
        Assert.Same(withPast, withPast.KeyValues);
        Assert.Equal(withPast.CacheShape, asPlain.CacheShape);
        Assert.Throws<InvalidOperationException>(() => asPlain.Prefill(new long[] { 1, 2 }, [2], 2, _ => { }, cancel));
        for (var i = 0; i < texts.Count; i++) Assert.True(MaxDifference(reference[i], whole[i]) <= Tolerance);
    }

    [Fact]
    public void A_merged_decoder_that_returns_no_keys_and_values_is_not_a_with_past_export()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { MergedDecoderInputs = true }.Write(TestPaths.NewTempDirectory());

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, new OnnxModelOptions(4, 16), OnnxExport.WithPast));

        Assert.Equal(
            $"{path} (present.0.key): the model has no Float output 'present.0.key' for its input 'past_key_values.0.key'. Fix: export present.N.key/value outputs (past and new keys/values) for every layer",
            e.Message);
    }

    [Fact]
    public void A_with_past_export_naming_a_weights_file_outside_its_folder_is_refused()
    {
        var folder = TestPaths.NewTempDirectory();
        var path = Path.Combine(folder, "escape-with-past.onnx");
        var model = new TinyOnnxModel(FixedLogitsModel.HandTable).Build();
        var proto = ModelProto.Parser.ParseFrom(model);
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "isb.weights_file", Value = "../ref-13k.onnx" });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "isb.weights_sha256", Value = new string('0', 64) });
        OnnxModelFile.Write(path, proto);

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, new OnnxModelOptions(4, 16), OnnxExport.WithPast));

        Assert.Equal("its weights live in ../ref-13k.onnx, which is not beside it", e.Problem);
    }

    /// <summary>Each text's logits, [length × vocabulary], from one right-padded batch.</summary>
    private static List<float[]> AllLogits(ICausalLanguageModel model, IReadOnlyList<int[]> texts, CancellationToken cancel)
    {
        var (tokens, lengths, width) = Pack(texts);
        var results = new List<float[]>();
        model.Forward(tokens, lengths, width, logits =>
        {
            for (var i = 0; i < texts.Count; i++) results.Add(logits.Slice(i * width * 4096, lengths[i] * 4096).ToArray());
        }, cancel);
        return results;
    }

    private static (long[] Tokens, int[] Lengths, int Width) Pack(IReadOnlyList<int[]> rows)
    {
        var width = rows.Max(r => r.Length);
        var tokens = new long[rows.Count * width];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var t = 0; t < rows[i].Length; t++) tokens[i * width + t] = rows[i][t];
        }
        return (tokens, rows.Select(r => r.Length).ToArray(), width);
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var worst = 0.0;
        for (var i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }

    private static IEnumerable<int[]> FixtureTexts(string checkpoint)
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.ReferenceFamilyDirectory, "validation", "logprobs.json")));
        return fixture.RootElement.GetProperty("checkpoints").GetProperty(checkpoint).EnumerateArray()
            .Select(t => t.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray())
            .ToList();
    }
}
