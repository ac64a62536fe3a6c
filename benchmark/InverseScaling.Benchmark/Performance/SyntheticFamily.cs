using System.Text;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Performance;

/// <summary>
/// A family of random-weight GPT-2-shaped checkpoints for measuring the scorer at real model sizes (<c>bench --synthetic</c>):
/// written by <see cref="SyntheticDecoder"/> into a folder with a <c>family.json</c>, tokenized with GPT-2's own encoding
/// (the <c>gpt2</c> tiktoken ranks the suite ships). A checkpoint with a wider vocabulary than GPT-2's gets those ranks
/// plus one token that UTF-8 text never produces (the bytes FF FE) at the last id, so it tokenizes text exactly as GPT-2
/// does and differs only in the width of its head.
/// </summary>
public static class SyntheticFamily
{
    public const string Name = "synthetic-gpt2";
    public const int Gpt2Vocabulary = 50_257;
    public const int Context = 1_024;

    /// <summary>The size sets <c>bench --synthetic --sizes</c> takes.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<SyntheticDecoderShape>> Sets { get; } = new Dictionary<string, IReadOnlyList<SyntheticDecoderShape>>(StringComparer.Ordinal)
    {
        ["gpt2"] =
        [
            new("d128-l2", 128, 2, 2, Gpt2Vocabulary, Context),
            new("d384-l6", 384, 6, 6, Gpt2Vocabulary, Context),
            new("d768-l12", 768, 12, 12, Gpt2Vocabulary, Context),
            new("d768-v152k", 768, 12, 12, 151_936, Context),
        ],
        ["tiny"] =
        [
            new("d64-l2", 64, 2, 2, Gpt2Vocabulary, Context),
            new("d64-v152k", 64, 2, 2, 151_936, Context),
        ],
    };

    /// <summary>Writes the checkpoints and their family.json into <paramref name="directory"/>; returns the manifest's path.</summary>
    /// <param name="withPast">Also write each checkpoint's with-past export (as optimum exports decoders) and list it under <c>files.onnxWithPast</c>.</param>
    public static string Write(string directory, IReadOnlyList<SyntheticDecoderShape> shapes, ulong seed = 20250615, bool withPast = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        Directory.CreateDirectory(Path.Combine(directory, "checkpoints"));
        var entries = new List<CheckpointManifest>();
        for (var i = 0; i < shapes.Count; i++)
        {
            var shape = shapes[i];
            var export = SyntheticDecoder.Write(shape, Path.Combine(directory, "checkpoints"), seed + (ulong)i, withPast, cancellationToken);
            FileRef[] weights = [new FileRef(Relative(directory, export.Data), FileHash.Sha256(export.Data, cancellationToken))];
            var onnx = new FileRef(Relative(directory, export.Model), FileHash.Sha256(export.Model, cancellationToken), weights);
            var onnxWithPast = export.WithPast is { } pastFile ? new FileRef(Relative(directory, pastFile), FileHash.Sha256(pastFile, cancellationToken), weights) : null;
            FileRef? ranks = shape.Vocabulary == Gpt2Vocabulary ? null : WideRanks(directory, shape.Vocabulary);
            entries.Add(new CheckpointManifest(shape.Name, shape.NonEmbeddingParameters, shape.Parameters, null, null, null, shape.Context,
                new BosSpec(BosSpec.None, "<|endoftext|>"), new CheckpointFiles(onnx, OnnxWithPast: onnxWithPast, Tiktoken: ranks), Tiktoken: "gpt2"));
        }
        var manifest = new FamilyManifest(FamilyManifest.CurrentSchemaVersion, Name,
            "Random-weight GPT-2-shaped decoders written by bench --synthetic for timing; their results mean nothing.", entries);
        var path = Path.Combine(directory, FamilyLoader.FileName);
        AtomicFile.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(manifest, SuiteJson.Indented) + "\n");
        return path;
    }

    /// <summary>GPT-2's ranks as "token rank" lines, then the bytes FF FE at rank <paramref name="vocabulary"/> − 1.</summary>
    private static FileRef WideRanks(string directory, int vocabulary)
    {
        var packaged = Encoding.UTF8.GetString(TiktokenEncoding.PackagedRanks("gpt2", "bench --synthetic"));
        var text = new StringBuilder();
        var rank = 0;
        foreach (var line in packaged.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("Capacity: ", StringComparison.Ordinal)) continue;
            var token = line.Split(' ')[0].TrimEnd('\r');
            var explicitRank = line.Contains(' ') ? int.Parse(line[(line.IndexOf(' ') + 1)..].TrimEnd('\r'), System.Globalization.CultureInfo.InvariantCulture) : rank;
            text.Append(token).Append(' ').Append(explicitRank).Append('\n');
            rank++;
        }
        text.Append(Convert.ToBase64String([0xFF, 0xFE])).Append(' ').Append(vocabulary - 1).Append('\n');
        var folder = Path.Combine(directory, "tokenizer");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"gpt2-v{vocabulary}.tiktoken");
        AtomicFile.WriteAllText(path, text.ToString());
        return new FileRef(Relative(directory, path), FileHash.Sha256(path));
    }

    private static string Relative(string directory, string path) => Path.GetRelativePath(directory, path).Replace('\\', '/');
}
