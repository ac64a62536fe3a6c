using System.Reflection;
using System.Text;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using InverseScaling.Benchmark.Scoring;
using Microsoft.ML.OnnxRuntime;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>
/// Everything besides a task's data and options that decides a checkpoint's scores: the one identity behind the resume
/// key (<see cref="UnitKey"/>), the results cache's key and the gate's in-memory reuse. Any change to a part is a new
/// identity, and so a new score.
/// </summary>
/// <param name="ModelSha256">sha256 over every model file the checkpoint lists: the ONNX file, its external-data files, the with-past export and its data files.</param>
/// <param name="TokenizerSha256">sha256 over the tokenizer files' sha256s by role (and a tiktoken encoding's name).</param>
/// <param name="MaxContext">The context length the requests are cut to.</param>
/// <param name="Bos">The BOS setting the requests are encoded with.</param>
/// <param name="Scorer">The algorithm and its result-changing options (<see cref="LoglikelihoodScorer.NameFor"/>).</param>
/// <param name="Code">The suite's code: its version and the library assembly's module version id (content-based in deterministic builds).</param>
/// <param name="Runtime">The ONNX Runtime version.</param>
/// <param name="Device">The execution device, as <c>name:index</c>.</param>
public sealed record ScoringIdentity(string ModelSha256, string TokenizerSha256, int MaxContext, BosSpec Bos, string Scorer, string Code, string Runtime, string Device)
{
    /// <summary>This build's <see cref="Code"/>: <c>version+mvid</c>. Deterministic builds (Directory.Build.props) make the id a hash of the compilation, so it changes exactly when the code or a referenced assembly does.</summary>
    public static string ThisCode { get; } =
        $"{SuiteInfo.Version}+{typeof(ScoringIdentity).Assembly.ManifestModule.ModuleVersionId:N}";

    /// <summary>The version of the ONNX Runtime this process loads, from the runtime itself.</summary>
    public static string ThisRuntime => RuntimeVersion.Value;

    private static readonly Lazy<string> RuntimeVersion = new(() =>
        $"onnxruntime {OrtEnv.Instance().GetVersionString()} ({typeof(OrtEnv).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]})");

    /// <summary>sha256 over every part: names the key's folder in the results cache and enters each request's key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Digest => FileHash.Sha256(Encoding.UTF8.GetBytes(
        $"isb-scoring/1\n{ModelSha256}\n{TokenizerSha256}\n{MaxContext}\n{Bos.Policy}\n{Bos.Token}\n{Scorer}\n{Code}\n{Runtime}\n{Device}"));

    /// <summary>The identity of <paramref name="checkpoint"/> scored under <paramref name="options"/> by this build.</summary>
    /// <param name="hashes">Hashes files whose manifest entry carries no sha256 (declared ones were checked when the family loaded); a run passes one so each file is read once.</param>
    public static ScoringIdentity For(Checkpoint checkpoint, EvaluationOptions options, FileHashes? hashes = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        var scorer = options.Scorer;
        var withPast = scorer.UseKeyValueCache && scorer.ShareOneTokenContexts && checkpoint.OnnxWithPastPath is not null;
        return For(checkpoint, LoglikelihoodScorer.NameFor(scorer, withPast), options.Device, hashes);
    }

    /// <summary>The identity of <paramref name="checkpoint"/> scored by <paramref name="scorer"/> on <paramref name="device"/> with this build.</summary>
    public static ScoringIdentity For(Checkpoint checkpoint, string scorer, ExecutionDevice device, FileHashes? hashes = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(device);
        Func<string, string> hash = hashes is null ? p => FileHash.Sha256(p) : p => hashes.Sha256(p);
        var files = checkpoint.Manifest.Files;
        var models = new StringBuilder("onnx:").Append(Sha(files.Onnx, checkpoint.OnnxPath, hash)).Append('\n');
        Data(models, "onnx", files.Onnx, checkpoint.OnnxData, hash);
        if (files.OnnxWithPast is { } withPast && checkpoint.OnnxWithPastPath is { } withPastPath)
        {
            models.Append("onnxWithPast:").Append(Sha(withPast, withPastPath, hash)).Append('\n');
            Data(models, "onnxWithPast", withPast, checkpoint.OnnxWithPastData, hash);
        }

        var tokenizer = checkpoint.Tokenizer;
        var parts = new StringBuilder();
        void Add(string role, FileRef? file, string? path)
        {
            if (file is not null && path is not null) parts.Append(role).Append(':').Append(Sha(file, path, hash)).Append('\n');
        }
        Add("vocab", files.Vocab, tokenizer.Vocab);
        Add("merges", files.Merges, tokenizer.Merges);
        Add("tokenizerJson", files.TokenizerJson, tokenizer.TokenizerJson);
        Add("sentencePiece", files.SentencePiece, tokenizer.SentencePiece);
        Add("tiktoken", files.Tiktoken, tokenizer.Tiktoken);
        if (tokenizer.TiktokenEncoding is { } encoding) parts.Append("tiktokenEncoding:").Append(encoding).Append('\n');

        return new ScoringIdentity(Combine(models), Combine(parts), checkpoint.Manifest.MaxContext, checkpoint.Manifest.Bos, scorer,
            ThisCode, ThisRuntime, $"{device.Name}:{device.DeviceId}");
    }

    private static void Data(StringBuilder text, string role, FileRef file, IReadOnlyList<string> paths, Func<string, string> hash)
    {
        if (file.Data is not { } data) return;
        for (var i = 0; i < data.Count && i < paths.Count; i++) text.Append(role).Append(".data:").Append(Sha(data[i], paths[i], hash)).Append('\n');
    }

    private static string Sha(FileRef file, string path, Func<string, string> hash) =>
        FileHash.IsSha256(file.Sha256) ? file.Sha256!.ToLowerInvariant() : hash(path);

    private static string Combine(StringBuilder text) => FileHash.Sha256(Encoding.UTF8.GetBytes(text.ToString()));
}
