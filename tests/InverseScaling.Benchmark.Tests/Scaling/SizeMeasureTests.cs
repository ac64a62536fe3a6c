using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Scaling;

public sealed class SizeMeasureTests
{
    private static readonly CheckpointManifest Tiny = new(
        "tiny", NonEmbeddingParameters: 1_200_000, Parameters: 3_000_000, TrainingTokens: 50_000_000, TrainingFlops: null,
        ValidationLoss: null, MaxContext: 256, new BosSpec(BosSpec.None, null), new CheckpointFiles(new FileRef("tiny.onnx", null)));

    [Fact]
    public void Reads_the_size_under_each_measure()
    {
        Assert.Equal(1_200_000, SizeMeasures.SizeOf(Tiny, SizeMeasure.NonEmbeddingParameters, "family.json"));
        Assert.Equal(3.6e14, SizeMeasures.SizeOf(Tiny with { TrainingFlops = 3.6e14 }, SizeMeasure.TrainingFlops, "family.json"));
    }

    [Fact]
    public void A_missing_flop_count_names_the_checkpoint_and_field()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => SizeMeasures.SizeOf(Tiny, SizeMeasure.TrainingFlops, "family.json"));

        Assert.Equal(
            "family.json (trainingFlops): checkpoint 'tiny' gives no trainingFlops, which the training-flops size measure needs. " +
            "Fix: add trainingFlops to every checkpoint or fit against non-embedding-parameters",
            error.Message);
    }

    [Theory]
    [InlineData(SizeMeasure.NonEmbeddingParameters, "non-embedding-parameters")]
    [InlineData(SizeMeasure.TrainingFlops, "training-flops")]
    public void Names_round_trip(SizeMeasure measure, string name)
    {
        Assert.Equal(name, measure.ToName());
        Assert.Equal(measure, SizeMeasures.TryParse(name));
    }

    [Fact]
    public void An_unknown_name_parses_to_null() => Assert.Null(SizeMeasures.TryParse("parameters"));
}
