using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Families;

/// <summary>The committed reference family loads, its hashes hold, and each checkpoint's tokenizer and BOS token resolve.</summary>
public sealed class ReferenceFamilyManifestTests
{
    [Fact]
    public void The_reference_family_loads_with_verified_files()
    {

        var family = FamilyLoader.Load(TestPaths.ReferenceFamilyManifest, cancellationToken: TestContext.Current.CancellationToken);

        family.RequireScalingPoints();
        var sizes = family.Checkpoints.Select(c => family.Size(c, SizeMeasure.NonEmbeddingParameters)).ToList();
        Assert.Equal(sizes.Order(), sizes);
        Assert.Equal(sizes.Count, sizes.Distinct().Count());
        foreach (var checkpoint in family.Checkpoints)
        {
            var tokenizer = TokenizerFactory.Create(checkpoint.Tokenizer);
            var encoder = RequestEncoder.For(checkpoint, tokenizer, family.ManifestPath);
            Assert.NotNull(encoder.BosId);
            Assert.True(checkpoint.Manifest.MaxContext >= 256, $"{checkpoint.Name} has maxContext {checkpoint.Manifest.MaxContext}");
        }
    }
}
