using InverseScaling.Benchmark.Tokenization;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Families;

public sealed class FamilyLoaderTests
{
    private static readonly string Tiny = TestPaths.TestData("Families", "tiny");
    private static readonly string Manifest = Path.Combine(Tiny, "family.json");

    /// <summary>A copy of the tiny family in a temp folder, with its manifest edited; the copy's manifest path.</summary>
    private static string EditedCopy(Func<string, string>? edit = null, Action<string>? touchFiles = null)
    {
        var folder = TestPaths.NewTempDirectory();
        foreach (var file in Directory.EnumerateFiles(Tiny, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(Tiny, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var manifest = Path.Combine(folder, "family.json");
        if (edit is not null)
        {
            var original = File.ReadAllText(manifest);
            var edited = edit(original);
            Assert.NotEqual(original, edited);
            File.WriteAllText(manifest, edited);
        }
        touchFiles?.Invoke(folder);
        return manifest;
    }

    private static string ErrorFor(string manifest) =>
        Assert.Throws<BenchmarkInputException>(() => FamilyLoader.Load(manifest, cancellationToken: TestContext.Current.CancellationToken)).Message.Replace(manifest, "FAMILY", StringComparison.Ordinal);

    [Fact]
    public void Loads_the_manifest_and_resolves_checkpoint_files()
    {
        var family = FamilyLoader.Load(Tiny, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("tiny", family.Name);
        Assert.Equal(Tiny, family.Directory);
        Assert.Equal(Manifest, family.ManifestPath);
        Assert.Equal(["tiny-1k", "tiny-8k"], family.Checkpoints.Select(c => c.Name));
        var small = family.Checkpoints[0];
        Assert.Equal("tiny", small.Family);
        Assert.Equal(Path.Combine(Tiny, "checkpoints", "tiny-1k.onnx"), small.OnnxPath);
        Assert.Null(small.OnnxWithPastPath);
        Assert.Equal(new TokenizerFiles(Path.Combine(Tiny, "tokenizer", "vocab.json"), Path.Combine(Tiny, "tokenizer", "merges.txt"), null, null), small.Tokenizer);
        Assert.Equal(1000, small.Manifest.NonEmbeddingParameters);
        Assert.Equal(5096, small.Manifest.Parameters);
        Assert.Equal(2_000_000, small.Manifest.TrainingTokens);
        Assert.Equal(5.25, small.Manifest.ValidationLoss);
        Assert.Equal(256, small.Manifest.MaxContext);
        Assert.Equal(new BosSpec("none", "<|endoftext|>"), small.Manifest.Bos);
        Assert.Equal(new BosSpec("always", "<|endoftext|>"), family.Checkpoints[1].Manifest.Bos);
        Assert.Equal("6f99b89341363089dac3392ea245b0394a45c8a3f9bc8f0415eb6520765cdc60", small.Manifest.Files.Onnx.Sha256);
    }

    [Fact]
    public void Sizes_are_non_embedding_parameters_or_training_flops()
    {
        var family = FamilyLoader.Load(Manifest, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([1000.0, 8000.0], family.Checkpoints.Select(c => family.Size(c, SizeMeasure.NonEmbeddingParameters)));
        Assert.Equal([1.2e10, 9.6e10], family.Checkpoints.Select(c => family.Size(c, SizeMeasure.TrainingFlops)));
    }

    [Fact]
    public void Training_flops_missing_from_a_checkpoint_are_reported_when_asked_for()
    {
        var manifest = EditedCopy(t => t.Replace("\"trainingFlops\": 96000000000,", ""));
        var family = FamilyLoader.Load(manifest, cancellationToken: TestContext.Current.CancellationToken);

        var error = Assert.Throws<BenchmarkInputException>(() => family.Size(family.Checkpoints[1], SizeMeasure.TrainingFlops));

        Assert.Equal($"{manifest} (checkpoints[1].trainingFlops): checkpoint 'tiny-8k' gives no trainingFlops, which the training-flops size measure needs. Fix: add trainingFlops to every checkpoint or fit against non-embedding-parameters", error.Message);
    }

    [Fact]
    public void A_slope_needs_two_checkpoints()
    {
        var family = FamilyLoader.Load(Manifest, cancellationToken: TestContext.Current.CancellationToken);
        var single = family with { Checkpoints = [family.Checkpoints[0]] };

        family.RequireScalingPoints();
        var error = Assert.Throws<BenchmarkInputException>(() => single.RequireScalingPoints());

        Assert.Equal($"{Manifest} (checkpoints): the family has 1 checkpoint, and a scaling fit needs at least 2. Fix: add checkpoints of other sizes to family.json", error.Message);
    }

    [Fact]
    public void A_changed_file_fails_its_sha256()
    {
        var manifest = EditedCopy(touchFiles: folder => File.AppendAllText(Path.Combine(folder, "checkpoints", "tiny-8k.onnx"), "x"));

        // 3cb05a0a... is sha256sum of "dummy checkpoint: tiny-8k\nx".
        Assert.Equal("FAMILY (checkpoints[1].files.onnx.sha256): checkpoints/tiny-8k.onnx has sha256 3cb05a0a2fae3061c7681074d524e252c40de176a0af9857ebd3da32b2ddd6dc" +
            ", and the manifest says 47d48509e1a3dd660ddab3cc5a804f21f9e60e68bf7f36d88721caab5d27b4a5. Fix: restore the file the manifest describes, or update its sha256 if the file changed on purpose",
            ErrorFor(manifest));
    }

    [Fact]
    public void Hashes_are_skipped_when_not_asked_for()
    {
        var manifest = EditedCopy(t => t.Replace("6f99b8934136", "000000000000"));

        var family = FamilyLoader.Load(manifest, verifyHashes: false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, family.Checkpoints.Count);
        Assert.StartsWith("FAMILY (checkpoints[0].files.onnx.sha256): checkpoints/tiny-1k.onnx has sha256 6f99b8934136", ErrorFor(manifest));
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var manifest = EditedCopy(t => t.Replace("checkpoints/tiny-8k.onnx", "checkpoints/tiny-9k.onnx"));
        var looked = Path.Combine(Path.GetDirectoryName(manifest)!, "checkpoints", "tiny-9k.onnx");

        Assert.Equal($"FAMILY (checkpoints[1].files.onnx): checkpoints/tiny-9k.onnx does not exist (looked for {looked}). Fix: put the file in {Path.GetDirectoryName(manifest)} and give its path relative to it",
            ErrorFor(manifest));
    }

    [Theory]
    [InlineData("\"name\": \"tiny-8k\"", "\"name\": \"tiny-1k\"",
        "FAMILY (checkpoints[1].name): checkpoint name \"tiny-1k\" is used twice. Fix: give every checkpoint its own name")]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": 3",
        "FAMILY (schemaVersion): schemaVersion 3 is not supported (this suite reads 1). Fix: write \"schemaVersion\": 1, or update the suite")]
    [InlineData("\"policy\": \"always\"", "\"policy\": \"first\"",
        "FAMILY (checkpoints[1].bos.policy): checkpoint \"tiny-8k\" has unknown BOS policy \"first\". Fix: use \"none\" or \"always\"")]
    [InlineData("\"policy\": \"always\", \"token\": \"<|endoftext|>\"", "\"policy\": \"always\"",
        "FAMILY (checkpoints[1].bos.token): checkpoint \"tiny-8k\" has BOS policy \"always\" and no token. Fix: give \"bos.token\"")]
    [InlineData("\"nonEmbeddingParameters\": 8000", "\"nonEmbeddingParameters\": 0",
        "FAMILY (checkpoints[1].nonEmbeddingParameters): checkpoint \"tiny-8k\" has nonEmbeddingParameters 0. Fix: give the count of parameters outside the embeddings (> 0)")]
    [InlineData("\"maxContext\": 256,\n      \"bos\": { \"policy\": \"always\"", "\"maxContext\": 1,\n      \"bos\": { \"policy\": \"always\"",
        "FAMILY (checkpoints[1].maxContext): checkpoint \"tiny-8k\" has maxContext 1. Fix: give the longest sequence the model accepts")]
    [InlineData("\"maxContext\": 256,\n      \"bos\": { \"policy\": \"always\"", "\"maxContext\": \"long\",\n      \"bos\": { \"policy\": \"always\"",
        "FAMILY:28 (checkpoints[1].maxContext): \"checkpoints[1].maxContext\" is missing or has the wrong type. Fix: follow the shape of the reference family's family.json")]
    [InlineData("\"sha256\": \"6f99b89341363089dac3392ea245b0394a45c8a3f9bc8f0415eb6520765cdc60\"", "\"sha256\": \"6f99\"",
        "FAMILY (checkpoints[0].files.onnx.sha256): sha256 \"6f99\" of checkpoints/tiny-1k.onnx is not 64 hexadecimal digits. Fix: write the file's sha256 in lowercase hex (sha256sum)")]
    [InlineData("\"checkpoints\": [", "\"checkpoints\": [,",
        "FAMILY:5: family.json is not valid JSON: ',' is an invalid start of a value. Fix: follow the shape of the reference family's family.json")]
    public void Invalid_manifests_are_refused_naming_the_field(string find, string replace, string expected)
    {
        Assert.Equal(expected, ErrorFor(EditedCopy(t => ReplaceLast(t, find, replace))));
    }

    [Fact]
    public void A_checkpoint_without_a_tokenizer_is_refused()
    {
        var manifest = EditedCopy(t => ReplaceLast(ReplaceLast(t,
            ",\n        \"vocab\": { \"path\": \"tokenizer/vocab.json\", \"sha256\": \"23cc25e09ff9efc21c1e56f2bfb85211a4c647812659f475697ad3efccbfe14c\" }", ""),
            ",\n        \"merges\": { \"path\": \"tokenizer/merges.txt\" }", ""));

        Assert.Equal("FAMILY (checkpoints[1].files): checkpoint \"tiny-8k\" has no tokenizer. Fix: give \"vocab\" + \"merges\", \"tokenizerJson\", \"sentencePiece\", \"tiktoken\" or the checkpoint's \"tiktoken\" encoding", ErrorFor(manifest));
    }

    private const string TinyVocabAndMerges = ",\n        \"vocab\": { \"path\": \"tokenizer/vocab.json\", \"sha256\": \"23cc25e09ff9efc21c1e56f2bfb85211a4c647812659f475697ad3efccbfe14c\" }" +
        ",\n        \"merges\": { \"path\": \"tokenizer/merges.txt\" }";

    [Fact]
    public void A_checkpoint_may_name_a_tiktoken_encoding_as_its_tokenizer()
    {
        var manifest = EditedCopy(t => ReplaceLast(ReplaceLast(t, TinyVocabAndMerges, ""), "\"files\": {", "\"tiktoken\": \"gpt2\",\n      \"files\": {"));

        var checkpoint = FamilyLoader.Load(manifest, cancellationToken: TestContext.Current.CancellationToken).Checkpoints[1];
        var tokenizer = TokenizerFactory.Create(checkpoint.Tokenizer);

        Assert.Equal("gpt2", checkpoint.Tokenizer.TiktokenEncoding);
        Assert.Equal(TokenizerKind.Tiktoken, tokenizer.Kind);
        Assert.Equal([464, 3797], tokenizer.Encode("The cat"));
    }

    [Theory]
    [InlineData("\"tiktoken\": \"p50k_base\",", "FAMILY (checkpoints[1].tiktoken): checkpoint \"tiny-8k\" names tiktoken encoding \"p50k_base\", which the suite does not ship. Fix: use one of gpt2, r50k_base, cl100k_base, o200k_base")]
    [InlineData("\"tiktoken\": \"gpt2\",", "FAMILY (checkpoints[1].files): checkpoint \"tiny-8k\" names more than one tokenizer. Fix: keep one of \"vocab\" + \"merges\", \"tokenizerJson\", \"sentencePiece\", \"tiktoken\"")]
    public void A_bad_tiktoken_setting_is_refused(string setting, string expected)
    {
        var manifest = EditedCopy(t => ReplaceLast(t, "\"files\": {", setting + "\n      \"files\": {"));

        Assert.Equal(expected, ErrorFor(manifest));
    }

    [Fact]
    public void A_vocab_without_merges_is_refused()
    {
        var manifest = EditedCopy(t => ReplaceLast(t, ",\n        \"merges\": { \"path\": \"tokenizer/merges.txt\" }", ""));

        Assert.Equal("FAMILY (checkpoints[1].files.merges): checkpoint \"tiny-8k\" has a vocab.json without its merges file. Fix: give \"files.merges\"", ErrorFor(manifest));
    }

    [Fact]
    public void A_missing_manifest_is_refused()
    {
        var folder = TestPaths.NewTempDirectory();

        var error = Assert.Throws<BenchmarkInputException>(() => FamilyLoader.Load(folder, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal($"{Path.Combine(folder, "family.json")}: the family manifest does not exist. Fix: give the path of a family.json or of the folder that holds it", error.Message);
    }

    private static string ReplaceLast(string text, string find, string replace)
    {
        var at = text.LastIndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the manifest");
        return text[..at] + replace + text[(at + find.Length)..];
    }

}
