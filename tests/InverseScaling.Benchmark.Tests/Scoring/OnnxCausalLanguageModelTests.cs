using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

public sealed class OnnxCausalLanguageModelTests
{
    private static readonly OnnxModelOptions FourTokens = new(VocabularySize: 4, MaxContext: 16, IntraOpThreads: 1);

    [Fact]
    public void Logits_are_the_previous_token_rows_plus_position_rows_and_padding_gets_position_zero()
    {
        var directory = TestPaths.NewTempDirectory();
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable)
        {
            Positions = [[10, 0, 0, 0], [0, 20, 0, 0], [0, 0, 30, 0]],
        }.Write(directory);
        using var model = OnnxDecoder.Create(path, FourTokens);

        float[]? seen = null;
        // Row 0 = [2, 0, 1]; row 1 = [3, 0] padded with token 1.
        model.Forward(new long[] { 2, 0, 1, 3, 0, 1 }, [3, 2], 3, logits => seen = logits.ToArray(), TestContext.Current.CancellationToken);

        float[][] expected =
        [
            [11, 3, 0, 0], [2, 21, 0, -1], [0, 0, 30, 0],   // E[2]+P[0], E[0]+P[1], E[1]+P[2]
            [10, -1, 2, 1], [2, 21, 0, -1], [10, 0, 0, 0],  // E[3]+P[0], E[0]+P[1], padding: E[1]+P[0]
        ];
        Assert.Equal(expected.SelectMany(r => r).ToArray(), seen);
    }

    [Fact]
    public void Scorer_on_onnx_matches_the_hand_computed_log_probabilities()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable).Write(TestPaths.NewTempDirectory());
        using var model = OnnxDecoder.Create(path, FourTokens);
        var scorer = new LoglikelihoodScorer(model, path);

        var scores = scorer.Score([new([2], [1, 0]), new([0], [0])], TestContext.Current.CancellationToken);

        // after 2, logits [1,3,0,0]: log p(1) = 3 − ln(e+e³+2) = 3 − 3.2109976232 = −0.2109976232
        // after 1, logits uniform: log p(0) = −ln 4 = −1.3862943611; sum −1.5972919844
        Assert.Equal(-1.5972919843580662, scores[0].LogProbability, 1e-6);
        Assert.True(scores[0].IsGreedy);
        // after 0, logits [2,1,0,−1]: log p(0) = 2 − ln(e²+e+1+e⁻¹) = 2 − 2.4401896986 = −0.4401896986
        Assert.Equal(-0.4401896985611953, scores[1].LogProbability, 1e-6);
    }

    [Fact]
    public void Merged_decoder_inputs_get_an_empty_past_and_use_cache_branch_false()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { MergedDecoderInputs = true }.Write(TestPaths.NewTempDirectory());
        using var model = OnnxDecoder.Create(path, FourTokens);
        var scorer = new LoglikelihoodScorer(model, path);

        var scores = scorer.Score([new([0], [0])], TestContext.Current.CancellationToken);

        Assert.Equal(-0.4401896985611953, scores[0].LogProbability, 1e-6);
    }

    [Fact]
    public void Float16_logits_are_converted_to_float()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { Float16 = true }.Write(TestPaths.NewTempDirectory());
        using var model = OnnxDecoder.Create(path, FourTokens);
        var scorer = new LoglikelihoodScorer(model, path);

        var scores = scorer.Score([new([3], [2])], TestContext.Current.CancellationToken);

        // after 3, logits [0,−1,2,1] (exact in fp16): log p(2) = 2 − ln(1+e⁻¹+e²+e) = 2 − 2.4401896986
        Assert.Equal(-0.4401896985611953, scores[0].LogProbability, 1e-6);
        Assert.True(scores[0].IsGreedy);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "absent.onnx");

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, FourTokens));

        Assert.Equal($"{path}: the ONNX file does not exist. Fix: point the checkpoint's files.onnx.path at an exported .onnx file", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused_with_the_runtime_reason()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "model.onnx");
        File.WriteAllText(path, "version https://git-lfs.github.com/spec/v1\noid sha256:0000\nsize 12\n");

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, FourTokens));

        Assert.Equal(path, e.File);
        Assert.StartsWith("ONNX Runtime cannot load the file as an ONNX model (", e.Problem);
        Assert.Equal("export the checkpoint to ONNX (for example with torch.onnx.export or optimum-cli export onnx) and point files.onnx.path at the .onnx file", e.Fix);
        Assert.Equal($"{path}: {e.Problem}. Fix: {e.Fix}", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void A_model_without_logits_is_refused()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { LogitsName = "scores" }.Write(TestPaths.NewTempDirectory());

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, FourTokens));

        Assert.Equal($"{path}: the model has no 'logits' output (outputs: scores). Fix: export the model with its language-model head and name that output 'logits'", e.Message);
    }

    [Fact]
    public void A_model_without_input_ids_is_refused()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { InputIdsName = "tokens" }.Write(TestPaths.NewTempDirectory());

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, FourTokens));

        Assert.Equal($"{path}: the model has no 'input_ids' input (inputs: tokens, attention_mask). Fix: export the model with its token input named 'input_ids' (int64 [batch, sequence])", e.Message);
    }

    [Fact]
    public void An_input_the_scorer_cannot_feed_is_refused()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { ExtraInput = "token_type_ids" }.Write(TestPaths.NewTempDirectory());

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, FourTokens));

        Assert.Equal(
            $"{path} (token_type_ids): the model has an input 'token_type_ids' the scorer does not know how to feed. Fix: export a plain causal LM whose inputs are input_ids, attention_mask, optionally position_ids, and for merged exports past_key_values.N.key/value and use_cache_branch",
            e.Message);
    }

    [Fact]
    public void Logits_width_unequal_to_the_vocabulary_is_refused_from_metadata()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable).Write(TestPaths.NewTempDirectory());

        var e = Assert.Throws<BenchmarkInputException>(() => OnnxDecoder.Create(path, FourTokens with { VocabularySize = 5 }));

        Assert.Equal(
            $"{path} (logits): the logits are 4 wide but the tokenizer has 5 tokens. Fix: pair the checkpoint with the tokenizer it was trained with (vocab.json/merges.txt or tokenizer.json listed beside it in family.json)",
            e.Message);
    }

    [Fact]
    public void Logits_width_unequal_to_the_vocabulary_is_refused_on_the_first_run_when_metadata_is_symbolic()
    {
        var path = new TinyOnnxModel(FixedLogitsModel.HandTable) { OpaqueLogitsWidth = true }.Write(TestPaths.NewTempDirectory());
        using var model = OnnxDecoder.Create(path, FourTokens with { VocabularySize = 3 });

        var e = Assert.Throws<BenchmarkInputException>(() =>
            model.Forward(new long[] { 0, 1 }, [2], 2, _ => { }, TestContext.Current.CancellationToken));

        Assert.Equal(
            $"{path} (logits): the logits are 4 wide but the tokenizer has 3 tokens. Fix: pair the checkpoint with the tokenizer it was trained with (vocab.json/merges.txt or tokenizer.json listed beside it in family.json)",
            e.Message);
    }

    [Fact]
    public void Infinite_logits_name_the_checkpoint_file_and_the_batch_position()
    {
        var table = FixedLogitsModel.HandTable;
        table[3][1] = float.PositiveInfinity;
        var path = new TinyOnnxModel(table).Write(TestPaths.NewTempDirectory());
        using var model = OnnxDecoder.Create(path, FourTokens);
        var scorer = new LoglikelihoodScorer(model, path);

        // Runs: [0, 2] for the first request, [0, 3] for the second (its last token is never run); one [2, 2] batch in
        // plan order, and row 1 position 1 (token 3) holds +inf.
        var e = Assert.Throws<BenchmarkInputException>(() =>
            scorer.Score([new([0, 2], [1]), new([0], [3, 0])], TestContext.Current.CancellationToken));

        Assert.Equal(
            $"{path}: the model produced NaN or infinite logits at batch row 1, position 1 of a [2, 2] batch. Fix: check the export (fp16 overflow, a broken weight file); re-export the checkpoint in float32 and validate it against the framework's logits",
            e.Message);
    }
}
