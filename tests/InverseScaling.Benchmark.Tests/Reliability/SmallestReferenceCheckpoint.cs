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
    /// <paramref name="copies"/>, under that name and non-embedding size, its files copied beside the manifest (a family
    /// reads only files inside its folder) with their sha256. Returns the manifest's path.
    /// </summary>
    public static string WriteCopies(string directory, string familyName, params (string Name, long NonEmbeddingParameters)[] copies)
    {
        var (family, smallest) = Load();
        FileRef? Copied(FileRef? file)
        {
            if (file is null) return null;
            var target = Path.Combine(directory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target)) File.Copy(Path.Combine(family.Directory, file.Path), target);
            return file;
        }
        var files = smallest.Manifest.Files;
        var copiedFiles = new CheckpointFiles(Copied(files.Onnx)!, Copied(files.Vocab), Copied(files.Merges), Copied(files.TokenizerJson), Copied(files.SentencePiece));
        var embedding = smallest.Manifest.Parameters - smallest.Manifest.NonEmbeddingParameters;
        var checkpoints = copies.Select(c => smallest.Manifest with
        {
            Name = c.Name,
            NonEmbeddingParameters = c.NonEmbeddingParameters,
            Parameters = c.NonEmbeddingParameters + embedding,
            TrainingFlops = null,
            Files = copiedFiles,
        }).ToList();
        var manifest = new FamilyManifest(FamilyManifest.CurrentSchemaVersion, familyName, $"copies of {smallest.Name}", checkpoints);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FamilyLoader.FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(manifest, SuiteJson.Indented) + "\n");
        return path;
    }
}
