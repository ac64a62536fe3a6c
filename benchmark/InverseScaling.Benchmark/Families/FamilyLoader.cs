using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Families;

/// <summary>A family loaded from its <c>family.json</c>: the manifest, its folder and its checkpoints with absolute paths.</summary>
public sealed record Family(FamilyManifest Manifest, string Directory, string ManifestPath, IReadOnlyList<Checkpoint> Checkpoints)
{
    public string Name => Manifest.Name;

    /// <summary>Refuses a family with too few checkpoints to fit a slope.</summary>
    public void RequireScalingPoints(int minimum = 2)
    {
        if (Checkpoints.Count < minimum)
        {
            throw new BenchmarkInputException(ManifestPath, $"the family has {Checkpoints.Count} checkpoint{(Checkpoints.Count == 1 ? "" : "s")}, and a scaling fit needs at least {minimum}",
                "add checkpoints of other sizes to family.json", field: "checkpoints");
        }
    }

    /// <summary>
    /// Refuses a family a scaling fit under <paramref name="measure"/> cannot use: too few checkpoints, a checkpoint without
    /// that size, or two checkpoints of the same size. Returns the sizes in checkpoint order.
    /// </summary>
    public IReadOnlyList<double> RequireScalingPoints(SizeMeasure measure, int minimum = 2)
    {
        RequireScalingPoints(minimum);
        var sizes = new double[Checkpoints.Count];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = Size(Checkpoints[i], measure);
            var same = Array.IndexOf(sizes, sizes[i], 0, i);
            if (same >= 0)
            {
                var field = measure == SizeMeasure.TrainingFlops ? "trainingFlops" : "nonEmbeddingParameters";
                throw new BenchmarkInputException(ManifestPath,
                    $"checkpoints \"{Checkpoints[same].Name}\" and \"{Checkpoints[i].Name}\" have the same {field} ({sizes[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}), so a scaling fit cannot tell them apart",
                    $"give each checkpoint its true {field}, or list each model once", field: $"checkpoints[{i}].{field}");
            }
        }
        return sizes;
    }

    /// <summary>The checkpoint's size in the given measure.</summary>
    public double Size(Checkpoint checkpoint, SizeMeasure measure) =>
        SizeMeasures.SizeOf(checkpoint.Manifest, measure, ManifestPath, $"checkpoints[{IndexOf(checkpoint)}].");

    private int IndexOf(Checkpoint checkpoint)
    {
        for (var i = 0; i < Checkpoints.Count; i++)
        {
            if (Checkpoints[i].Name == checkpoint.Name) return i;
        }
        return -1;
    }
}

/// <summary>Reads and validates <c>family.json</c>, resolving and (by default) hashing every file it names.</summary>
public static class FamilyLoader
{
    public const string FileName = "family.json";

    private static readonly JsonSerializerOptions Options = new(SuiteJson.Indented) { RespectNullableAnnotations = true };

    /// <param name="path">The <c>family.json</c>, or the folder that holds it.</param>
    /// <param name="verifyHashes">Hash every file and compare with its sha256 (streamed).</param>
    /// <param name="modelsOf">
    /// Which checkpoints' ONNX files must be present (and hashed); for the others the path is only resolved. A shard of a run
    /// spread over machines needs only its own checkpoints' models, and a merge none. Default: every checkpoint's.
    /// </param>
    public static Family Load(string path, bool verifyHashes = true, CancellationToken cancellationToken = default, Func<CheckpointManifest, bool>? modelsOf = null)
    {
        var manifestPath = Path.GetFullPath(System.IO.Directory.Exists(path) ? Path.Combine(path, FileName) : path);
        var manifest = Parse(manifestPath);
        var directory = Path.GetDirectoryName(manifestPath)!;
        var hashes = new FileHashes();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var checkpoints = new List<Checkpoint>();
        for (var i = 0; i < manifest.Checkpoints.Count; i++)
        {
            var entry = manifest.Checkpoints[i];
            var at = $"checkpoints[{i}]";
            Validate(manifestPath, entry, at);
            if (!names.Add(entry.Name))
            {
                throw new BenchmarkInputException(manifestPath, $"checkpoint name \"{entry.Name}\" is used twice", "give every checkpoint its own name", field: $"{at}.name");
            }
            string? Resolve(FileRef? file, string field) => file is null ? null
                : ResolveFile(manifestPath, directory, file, $"{at}.files.{field}", LimitOf(field),
                    verifyHashes ? hashes : null, cancellationToken);
            var model = modelsOf?.Invoke(entry) ?? true;
            string? ResolveModel(FileRef? file, string field) => model || file is null ? Resolve(file, field) : ContainedPath.Inside(directory, file.Path, manifestPath, $"{at}.files.{field}");
            var files = entry.Files;
            IReadOnlyList<string> ResolveData(FileRef? file, string field) => file?.Data is not { } data ? []
                : data.Select((d, k) => model ? Resolve(d, $"{field}.data[{k}]")! : ContainedPath.Inside(directory, d.Path, manifestPath, $"{at}.files.{field}.data[{k}]")).ToArray();
            var onnx = ResolveModel(files.Onnx, "onnx")!;
            var withPast = ResolveModel(files.OnnxWithPast, "onnxWithPast");
            var onnxData = ResolveData(files.Onnx, "onnx");
            var withPastData = ResolveData(files.OnnxWithPast, "onnxWithPast");
            if (verifyHashes && model)
            {
                CheckModel(manifestPath, entry, at, onnx, onnxData, withPast, withPastData, cancellationToken);
            }
            checkpoints.Add(new Checkpoint(manifest.Name, entry,
                onnx,
                withPast,
                new TokenizerFiles(Resolve(files.Vocab, "vocab"), Resolve(files.Merges, "merges"), Resolve(files.TokenizerJson, "tokenizerJson"), Resolve(files.SentencePiece, "sentencePiece"),
                    Resolve(files.Tiktoken, "tiktoken"), entry.Tiktoken))
                { OnnxData = onnxData, OnnxWithPastData = withPastData });
        }
        return new Family(manifest, directory, manifestPath, checkpoints);
    }

    private static FamilyManifest Parse(string manifestPath)
    {
        const string Fix = "follow the shape of the reference family's family.json";
        if (!File.Exists(manifestPath))
        {
            throw new BenchmarkInputException(manifestPath, "the family manifest does not exist", "give the path of a family.json or of the folder that holds it");
        }
        using var document = JsonInput.ReadDocument(manifestPath, InputLimits.ManifestBytes, "family.json", Fix);
        var problems = ManifestSchema.Problems(document.RootElement);
        if (problems.Count > 0)
        {
            throw new BenchmarkInputException(manifestPath, string.Join("; ", problems.Select(p => p.Problem)),
                "write the fields the README's family.json table lists, spelt as there", field: problems[0].Field);
        }
        var manifest = JsonInput.Deserialize<FamilyManifest>(document.RootElement, Options, manifestPath, Fix);
        if (manifest is null) throw new BenchmarkInputException(manifestPath, "family.json is null", "write the manifest as one JSON object");
        if (manifest.SchemaVersion != FamilyManifest.CurrentSchemaVersion)
        {
            throw new BenchmarkInputException(manifestPath, $"schemaVersion {manifest.SchemaVersion} is not supported (this suite reads {FamilyManifest.CurrentSchemaVersion})",
                $"write \"schemaVersion\": {FamilyManifest.CurrentSchemaVersion}, or update the suite", field: "schemaVersion");
        }
        SafeName.Require(manifest.Name, "family", manifestPath, "name");
        if (manifest.Checkpoints is null or { Count: 0 })
        {
            throw new BenchmarkInputException(manifestPath, "the family lists no checkpoints", "list the checkpoints under \"checkpoints\"", field: "checkpoints");
        }
        return manifest;
    }

    private static void Validate(string manifestPath, CheckpointManifest entry, string at)
    {
        BenchmarkInputException Error(string field, string problem, string fix) => new(manifestPath, problem, fix, field: $"{at}.{field}");

        SafeName.Require(entry.Name, "checkpoint", manifestPath, $"{at}.name");
        var who = $"checkpoint \"{entry.Name}\"";
        if (entry.NonEmbeddingParameters <= 0) throw Error("nonEmbeddingParameters", $"{who} has nonEmbeddingParameters {entry.NonEmbeddingParameters}", "give the count of parameters outside the embeddings (> 0)");
        if (entry.Parameters < entry.NonEmbeddingParameters) throw Error("parameters", $"{who} has fewer parameters ({entry.Parameters}) than non-embedding parameters ({entry.NonEmbeddingParameters})", "give the total parameter count");
        if (entry.TrainingFlops is <= 0) throw Error("trainingFlops", $"{who} has trainingFlops {entry.TrainingFlops}", "give the training compute in FLOPs (> 0), or leave it out");
        if (entry.MaxContext < 2) throw Error("maxContext", $"{who} has maxContext {entry.MaxContext}", "give the longest sequence the model accepts");
        if (entry.Bos is null) throw Error("bos", $"{who} has no bos", $"give \"bos\": {{\"policy\": \"{BosSpec.None}\"}} or {{\"policy\": \"{BosSpec.Always}\", \"token\": ...}}");
        if (entry.Bos.Policy is not (BosSpec.None or BosSpec.Always)) throw Error("bos.policy", $"{who} has unknown BOS policy {TextExcerpt.Quote(entry.Bos.Policy)}", $"use \"{BosSpec.None}\" or \"{BosSpec.Always}\"");
        if (entry.Bos.Policy == BosSpec.Always && entry.Bos.Token is null) throw Error("bos.token", $"{who} has BOS policy \"always\" and no token", "give \"bos.token\"");
        if (entry.Files?.Onnx is null) throw Error("files.onnx", $"{who} names no ONNX file", "give \"files.onnx\"");

        var files = entry.Files;
        if ((files.Vocab is null) != (files.Merges is null))
        {
            var missing = files.Vocab is null ? "vocab" : "merges";
            throw Error($"files.{missing}", $"{who} has {(missing == "merges" ? "a vocab.json without its merges file" : "a merges file without its vocab.json")}", $"give \"files.{missing}\"");
        }
        if (entry.Tiktoken is { } encoding && !Tokenization.TiktokenEncoding.Names.Contains(encoding))
        {
            throw Error("tiktoken", $"{who} names tiktoken encoding {TextExcerpt.Quote(encoding)}, which the suite does not ship", $"use one of {string.Join(", ", Tokenization.TiktokenEncoding.Names)}");
        }
        var tiktoken = files.Tiktoken is not null || entry.Tiktoken is not null;
        var tokenizers = (files.Vocab is null ? 0 : 1) + (files.TokenizerJson is null ? 0 : 1) + (files.SentencePiece is null ? 0 : 1) + (tiktoken ? 1 : 0);
        if (tokenizers == 0) throw Error("files", $"{who} has no tokenizer", "give \"vocab\" + \"merges\", \"tokenizerJson\", \"sentencePiece\", \"tiktoken\" or the checkpoint's \"tiktoken\" encoding");
        if (tokenizers > 1) throw Error("files", $"{who} names more than one tokenizer", "keep one of \"vocab\" + \"merges\", \"tokenizerJson\", \"sentencePiece\", \"tiktoken\"");
    }

    /// <summary>
    /// The checks <c>family init</c> applies, for a hand-written manifest too: <c>maxContext</c> within the model's
    /// position table, and every external-data file the ONNX files read listed (and so hashed).
    /// </summary>
    private static void CheckModel(string manifestPath, CheckpointManifest entry, string at, string onnx, IReadOnlyList<string> onnxData,
        string? withPast, IReadOnlyList<string> withPastData, CancellationToken cancellationToken)
    {
        if (ModelInspector.TryLimits(onnx, cancellationToken) is not { } facts) return;
        if (facts.PositionLimit is { } limit && entry.MaxContext > limit)
        {
            throw new BenchmarkInputException(manifestPath, $"checkpoint \"{entry.Name}\" has maxContext {entry.MaxContext}, and its model takes at most {limit} positions",
                $"give maxContext {limit} or less", field: $"{at}.maxContext");
        }
        var listed = new HashSet<string>(onnxData.Concat(withPastData).Append(onnx), StringComparer.Ordinal);
        if (withPast is not null) listed.Add(withPast);
        foreach (var (model, field, external) in new[] { (onnx, "onnx", facts.ExternalData) }
                     .Concat(withPast is null ? [] : [(withPast, "onnxWithPast", ModelInspector.TryLimits(withPast, cancellationToken)?.ExternalData ?? [])]))
        {
            foreach (var file in external.Where(f => !listed.Contains(f)))
            {
                throw new BenchmarkInputException(manifestPath,
                    $"{Path.GetFileName(model)} reads its weights from {Path.GetFileName(file)}, which the manifest does not list, so its sha256 is not checked",
                    $"add it under files.{field}.data with its sha256 (inverse-scaling family init writes it)", field: $"{at}.files.{field}.data");
            }
        }
    }

    /// <summary>The largest file a field may name (<see cref="InputLimits"/>).</summary>
    private static long LimitOf(string field) =>
        field.Contains(".data[", StringComparison.Ordinal) ? InputLimits.ModelDataBytes
        : field.StartsWith("onnx", StringComparison.Ordinal) ? InputLimits.ModelBytes
        : InputLimits.TokenizerBytes;

    private static string ResolveFile(string manifestPath, string directory, FileRef file, string field, long maxBytes, FileHashes? hashes, CancellationToken cancellationToken)
    {
        var path = ContainedPath.Resolve(directory, file.Path, manifestPath, field, maxBytes);
        if (file.Sha256 is not { } expected) return path;
        if (expected.Length != 64 || !expected.All(char.IsAsciiHexDigit))
        {
            throw new BenchmarkInputException(manifestPath, $"sha256 {TextExcerpt.Quote(expected)} of {TextExcerpt.Escape(file.Path, 200)} is not 64 hexadecimal digits", "write the file's sha256 in lowercase hex (sha256sum)", field: field + ".sha256");
        }
        if (hashes is null) return path;
        var actual = hashes.Sha256(path, cancellationToken);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new BenchmarkInputException(manifestPath, $"{TextExcerpt.Escape(file.Path, 200)} has sha256 {actual}, and the manifest says {expected.ToLowerInvariant()}",
                "restore the file the manifest describes, or update its sha256 if the file changed on purpose", field: field + ".sha256");
        }
        return path;
    }
}
