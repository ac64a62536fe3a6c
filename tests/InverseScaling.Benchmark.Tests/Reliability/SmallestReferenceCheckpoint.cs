using System.Text.Json;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Reliability;

/// <summary>
/// The smallest checkpoint of the reference family (<see cref="TestPaths.ReferenceFamilyDirectory"/>), and families
/// that list it several times under other names and sizes: real scoring at the lowest cost.
/// </summary>
internal static class SmallestReferenceCheckpoint
{
    /// <summary>The reference family and its smallest checkpoint; skips the test when the family is not in the checkout.</summary>
    public static (Family Family, Checkpoint Checkpoint) Load()
    {
        if (!File.Exists(TestPaths.ReferenceFamilyManifest)) Assert.Skip($"the reference family is not in this checkout ({TestPaths.ReferenceFamilyManifest})");
        var family = FamilyLoader.Load(TestPaths.ReferenceFamilyManifest);
        return (family, family.Checkpoints.MinBy(c => c.Manifest.NonEmbeddingParameters)!);
    }

    /// <summary>
    /// Writes <c>family.json</c> into <paramref name="directory"/>: the smallest checkpoint once per entry of
    /// <paramref name="copies"/>, under that name and non-embedding size, its files named by absolute path with their
    /// sha256. Returns the manifest's path.
    /// </summary>
    public static string WriteCopies(string directory, string familyName, params (string Name, long NonEmbeddingParameters)[] copies)
    {
        var (family, smallest) = Load();
        static FileRef? Absolute(FileRef? file, string root) => file is null ? null : file with { Path = Path.GetFullPath(Path.Combine(root, file.Path)) };
        var files = smallest.Manifest.Files;
        var absoluteFiles = new CheckpointFiles(
            Absolute(files.Onnx, family.Directory)!,
            Absolute(files.Vocab, family.Directory),
            Absolute(files.Merges, family.Directory),
            Absolute(files.TokenizerJson, family.Directory),
            Absolute(files.SentencePiece, family.Directory));
        var embedding = smallest.Manifest.Parameters - smallest.Manifest.NonEmbeddingParameters;
        var checkpoints = copies.Select(c => smallest.Manifest with
        {
            Name = c.Name,
            NonEmbeddingParameters = c.NonEmbeddingParameters,
            Parameters = c.NonEmbeddingParameters + embedding,
            TrainingFlops = null,
            Files = absoluteFiles,
        }).ToList();
        var manifest = new FamilyManifest(FamilyManifest.CurrentSchemaVersion, familyName, $"copies of {smallest.Name}", checkpoints);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FamilyLoader.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(manifest, SuiteJson.Indented) + "\n");
        return path;
    }
}
