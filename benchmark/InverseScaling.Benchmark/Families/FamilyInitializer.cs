using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Families;

/// <summary>
/// Writes family.json from export folders (Hugging Face optimum's or onnxruntime-genai's): one checkpoint per folder,
/// named after it, with parameter counts from the ONNX initializers, the context length, the BOS policy and the sha256
/// of every file a score depends on. docs/exports.md lists what is read from where.
/// </summary>
public static class FamilyInitializer
{
    /// <summary>Model files in the order they are preferred.</summary>
    public static readonly IReadOnlyList<string> ModelFiles = ["decoder_model_merged.onnx", "model.onnx", "decoder_model.onnx", "model_quantized.onnx"];

    private static readonly string[] ContextFields = ["max_position_embeddings", "n_positions", "n_ctx", "seq_length"];

    /// <summary>The manifest for <paramref name="folders"/>, with paths relative to <paramref name="manifestPath"/>'s folder; checkpoints in order of size.</summary>
    /// <param name="maxContext">The context length where the folders' configuration gives none (or a shorter one); never above the model's table.</param>
    public static FamilyManifest Create(IReadOnlyList<string> folders, string name, string manifestPath, int? maxContext = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("the family needs a name", nameof(name));
        if (folders.Count == 0) throw new ArgumentException("give at least one export folder", nameof(folders));
        var root = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var hashes = new FileHashes();
        var checkpoints = new List<CheckpointManifest>();
        foreach (var folder in folders.Select(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            checkpoints.Add(Checkpoint(folder, root, maxContext, hashes, cancellationToken));
        }
        var duplicate = checkpoints.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BenchmarkInputException(duplicate.Key, "two export folders have this name, and checkpoints are named after their folders", "give each checkpoint's folder its own name");
        }
        var ordered = checkpoints.OrderBy(c => c.NonEmbeddingParameters).ThenBy(c => c.Name, StringComparer.Ordinal).ToArray();
        return new FamilyManifest(FamilyManifest.CurrentSchemaVersion, name, $"Written by inverse-scaling family init from {checkpoints.Count} export folder{(checkpoints.Count == 1 ? "" : "s")}.", ordered);
    }

    /// <summary>Writes the manifest atomically, as the suite writes every JSON file.</summary>
    public static void Write(FamilyManifest manifest, string manifestPath) =>
        AtomicFile.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, SuiteJson.Indented) + "\n");

    private static CheckpointManifest Checkpoint(string folder, string root, int? maxContext, FileHashes hashes, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) throw new BenchmarkInputException(folder, "the export folder does not exist", "give the folder the exporter wrote");
        if (!SafeName.IsValid(Path.GetFileName(folder)))
        {
            throw new BenchmarkInputException(folder, $"the checkpoint would be named {TextExcerpt.Quote(Path.GetFileName(folder))} after its folder, which is not a valid name",
                $"rename the folder with {SafeName.Rule}");
        }
        if (!folder.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BenchmarkInputException(folder, "the export folder is not inside the folder of family.json, and the manifest's paths stay inside it",
                "write family.json in a folder that holds the export folders (--out)");
        }
        using var config = Json(folder, "config.json");
        using var genai = Json(folder, "genai_config.json");
        using var tokenizerConfig = Json(folder, "tokenizer_config.json");

        var modelName = genai is not null && Text(genai.RootElement, "model", "decoder", "filename") is { } genaiFile ? genaiFile
            : ModelFiles.FirstOrDefault(f => File.Exists(Path.Combine(folder, f)))
              ?? throw new BenchmarkInputException(folder, $"the folder holds no exported model ({string.Join(", ", ModelFiles)})",
                  "export the checkpoint with optimum-cli export onnx or onnxruntime-genai's model builder into this folder");
        var model = Path.GetFullPath(Path.Combine(folder, modelName));
        if (!model.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(model))
        {
            throw new BenchmarkInputException(Path.Combine(folder, "genai_config.json"), $"model.decoder.filename {TextExcerpt.Quote(modelName)} is not a file in the folder",
                "name the model file beside genai_config.json", field: "model.decoder.filename");
        }
        var facts = ModelInspector.Inspect(model, cancellationToken);

        FileRef Ref(string path, IReadOnlyList<FileRef>? data = null) =>
            new(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), hashes.Sha256(path, cancellationToken), data);
        var onnx = Ref(model, facts.ExternalData.Count == 0 ? null : facts.ExternalData.Select(d => Ref(d)).ToArray());

        CheckpointFiles files;
        string? tokenizerJson = null;
        if (File.Exists(Path.Combine(folder, "tokenizer.json")))
        {
            tokenizerJson = Path.Combine(folder, "tokenizer.json");
            files = new CheckpointFiles(onnx, TokenizerJson: Ref(tokenizerJson));
        }
        else if (File.Exists(Path.Combine(folder, "vocab.json")) && File.Exists(Path.Combine(folder, "merges.txt")))
        {
            files = new CheckpointFiles(onnx, Vocab: Ref(Path.Combine(folder, "vocab.json")), Merges: Ref(Path.Combine(folder, "merges.txt")));
        }
        else if (File.Exists(Path.Combine(folder, "tokenizer.model")))
        {
            files = new CheckpointFiles(onnx, SentencePiece: Ref(Path.Combine(folder, "tokenizer.model")));
        }
        else
        {
            throw new BenchmarkInputException(folder, "the folder holds no tokenizer (tokenizer.json, vocab.json + merges.txt, tokenizer.model)",
                "save the checkpoint's tokenizer into the folder (the exporters copy it there)");
        }

        return new CheckpointManifest(
            Name: Path.GetFileName(folder),
            NonEmbeddingParameters: facts.NonEmbeddingParameters,
            Parameters: facts.Parameters,
            TrainingTokens: null,
            TrainingFlops: null,
            ValidationLoss: null,
            MaxContext: Context(folder, config, genai, facts, maxContext),
            Bos: Bos(folder, tokenizerConfig, tokenizerJson),
            Files: files);
    }

    private static int Context(string folder, JsonDocument? config, JsonDocument? genai, ModelFacts facts, int? requested)
    {
        var candidates = new List<long>();
        if (config is not null)
        {
            foreach (var field in ContextFields)
            {
                if (config.RootElement.TryGetProperty(field, out var v) && v.TryGetInt64(out var n) && n > 0) candidates.Add(n);
            }
        }
        if (genai is not null && genai.RootElement.TryGetProperty("model", out var m) && m.TryGetProperty("context_length", out var c) && c.TryGetInt64(out var g) && g > 0)
        {
            candidates.Add(g);
        }
        if (requested is { } r) candidates.Add(r);
        if (facts.PositionLimit is { } limit) candidates.Add(limit);
        if (candidates.Count == 0)
        {
            throw new BenchmarkInputException(folder, "neither config.json nor genai_config.json gives the context length, and the model has no position table",
                "pass --max-context with the longest sequence the model was trained on");
        }
        return (int)Math.Min(candidates.Min(), int.MaxValue);
    }

    private static BosSpec Bos(string folder, JsonDocument? tokenizerConfig, string? tokenizerJson)
    {
        var config = tokenizerConfig?.RootElement;
        var token = config is { } c ? TokenText(c, "bos_token") : null;
        bool? add = config is { } t && t.TryGetProperty("add_bos_token", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False ? flag.GetBoolean() : null;
        if (add is null && tokenizerJson is not null)
        {
            using var tokenizer = JsonInput.ReadDocument(tokenizerJson, InputLimits.TokenizerBytes, "tokenizer.json", "save the checkpoint's tokenizer.json again");
            if (tokenizer.RootElement.TryGetProperty("post_processor", out var post) && FirstSpecial(post) is { } first)
            {
                add = true;
                token ??= first;
            }
        }
        if (add == true)
        {
            return token is not null ? new BosSpec(BosSpec.Always, token)
                : throw new BenchmarkInputException(Path.Combine(folder, "tokenizer_config.json"), "the tokenizer adds a BOS token but names none",
                    "give bos_token in tokenizer_config.json", field: "bos_token");
        }
        return new BosSpec(BosSpec.None, token ?? (config is { } e ? TokenText(e, "eos_token") : null));
    }

    /// <summary>The special token a post-processor puts before a single text (TemplateProcessing, alone or in a Sequence).</summary>
    private static string? FirstSpecial(JsonElement post)
    {
        if (post.ValueKind != JsonValueKind.Object || !post.TryGetProperty("type", out var type)) return null;
        if (type.GetString() == "Sequence" && post.TryGetProperty("processors", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            return list.EnumerateArray().Select(FirstSpecial).FirstOrDefault(s => s is not null);
        }
        if (type.GetString() == "TemplateProcessing" && post.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array
            && single.GetArrayLength() > 0 && single[0].TryGetProperty("SpecialToken", out var special) && special.TryGetProperty("id", out var id))
        {
            return id.GetString();
        }
        return null;
    }

    private static string? TokenText(JsonElement config, string field) =>
        !config.TryGetProperty(field, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var part in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element)) return null;
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static JsonDocument? Json(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? JsonInput.ReadDocument(path, InputLimits.ManifestBytes, file, $"write {file} as the exporter did") : null;
    }
}
