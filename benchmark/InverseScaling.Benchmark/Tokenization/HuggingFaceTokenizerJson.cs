using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;
using HfTokenizerException = Tokenizers.DotNet.TokenizerException;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// Loads a Hugging Face <c>tokenizer.json</c> of any pipeline into Hugging Face's own Rust tokenizers (Tokenizers.DotNet).
/// The library reads a file and always applies the post-processor, so the suite hands it a copy with
/// <c>post_processor</c>, <c>truncation</c> and <c>padding</c> set to null: ids are exactly Hugging Face's
/// <c>encode(text, add_special_tokens=False)</c>, never cut or padded.
/// </summary>
internal static partial class HuggingFaceTokenizerJson
{
    /// <summary>The one platform whose native library (<c>libhf_tokenizers</c>) the suite references.</summary>
    public const string NativePlatform = "linux-x64";

    private const string Fix = "use the tokenizer.json saved with the checkpoint";

    private static readonly string[] Cleared = ["post_processor", "truncation", "padding"];

    [GeneratedRegex(@" at line \d+ column \d+$")]
    private static partial Regex LocationSuffix();

    public static CheckpointTokenizer Load(string path)
    {
        RequireNativeLibrary(path, CurrentPlatform());
        var text = InputFile.ReadAllText(path, InputLimits.TokenizerBytes, "the tokenizer.json", "check the checkpoint's \"tokenizerJson\" path");
        using var document = JsonInput.ParseDocument(text, path, "tokenizer.json", Fix);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new BenchmarkInputException(path, "tokenizer.json is not a JSON object", Fix);
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new BenchmarkInputException(path, "tokenizer.json has no \"model\" object", Fix, field: "model");

        var vocabulary = ReadVocabulary(path, model);
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object
                    || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String
                    || !token.TryGetProperty("id", out var id)) continue;
                if (!id.TryGetInt32OrFalse(out var value) || value < 0) throw BadId(path, "added_tokens", content.GetString()!, id);
                vocabulary[content.GetString()!] = value;
                if (token.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True) specials[content.GetString()!] = value;
            }
        }
        var engine = new HuggingFaceEngine(Create(path, root), path);
        return new CheckpointTokenizer(engine, TokenizerKind.TokenizerJson, path, vocabulary, specials);
    }

    /// <summary>This process's platform in NuGet's runtime-identifier form (<c>linux-x64</c>, <c>osx-arm64</c>, <c>win-x64</c>).</summary>
    internal static string CurrentPlatform()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsWindows() ? "win" : "other";
        return $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
    }

    /// <summary>One clear error where the native library is not shipped, instead of a <see cref="DllNotFoundException"/> later.</summary>
    internal static void RequireNativeLibrary(string path, string runtimeIdentifier)
    {
        if (runtimeIdentifier == NativePlatform) return;
        throw new BenchmarkInputException(path,
            $"a tokenizer.json is encoded by Hugging Face's native tokenizers library (Tokenizers.DotNet), which the suite ships only for {NativePlatform}, not for {runtimeIdentifier}",
            $"run on {NativePlatform}, or give the checkpoint its vocab.json + merges.txt, tokenizer.model or tiktoken file instead");
    }

    /// <summary>Token → id of <c>model.vocab</c>: an object for BPE, WordPiece and WordLevel, a list of [piece, score] for Unigram.</summary>
    private static Dictionary<string, int> ReadVocabulary(string path, JsonElement model)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!model.TryGetProperty("vocab", out var vocab)) return vocabulary;
        if (vocab.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in vocab.EnumerateObject())
            {
                // The suite keeps ids as int: an id the native library would hand back beyond int's range is refused now.
                if (!entry.Value.TryGetInt32OrFalse(out var id) || id < 0) throw BadId(path, "model.vocab", entry.Name, entry.Value);
                vocabulary.TryAdd(entry.Name, id);
            }
        }
        else if (vocab.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var entry in vocab.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() > 0 && entry[0].ValueKind == JsonValueKind.String) vocabulary.TryAdd(entry[0].GetString()!, index);
                index++;
            }
        }
        return vocabulary;
    }

    private static BenchmarkInputException BadId(string path, string field, string token, JsonElement id) =>
        new(path, $"the id of token {TextExcerpt.Quote(token)} is {TextExcerpt.Escape(id.GetRawText())}, not a whole number from 0 to 2,147,483,647",
            Fix, field: field);

    private static bool TryGetInt32OrFalse(this JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    /// <summary>Writes the copy without post-processor, truncation and padding to a private temporary file, loads it and deletes it.</summary>
    private static HfTokenizer Create(string path, JsonElement root)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"inverse-scaling-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            using (var stream = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var property in root.EnumerateObject())
                {
                    if (Array.Exists(Cleared, name => property.NameEquals(name))) writer.WriteNull(property.Name);
                    else property.WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            return new HfTokenizer(copy);
        }
        catch (HfTokenizerException e)
        {
            throw new BenchmarkInputException(path, $"Hugging Face tokenizers cannot load it: {Reason(e)}", Fix, inner: e);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new BenchmarkInputException(path,
                $"Hugging Face's native tokenizers library (libhf_tokenizers, package Tokenizers.DotNet.runtime.{NativePlatform}) cannot be loaded: {TextExcerpt.Escape(e.Message, 160)}",
                "restore the suite's packages on a supported platform, or give the checkpoint its vocab.json + merges.txt, tokenizer.model or tiktoken file instead", inner: e);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    internal static string Reason(HfTokenizerException e) => TextExcerpt.Escape(LocationSuffix().Replace(e.Message.Trim(), ""), 200);
}

/// <summary>Encodes with a loaded Hugging Face tokenizer; the native library's encoding is thread-safe.</summary>
internal sealed class HuggingFaceEngine(HfTokenizer tokenizer, string source) : TokenizerEngine
{
    public override int[] Encode(string text)
    {
        if (text.Length == 0) return [];
        uint[] ids;
        try
        {
            ids = tokenizer.Encode(text);
        }
        catch (HfTokenizerException e)
        {
            throw new BenchmarkInputException(source, $"Hugging Face tokenizers cannot encode the text {TextExcerpt.Quote(text)}: {HuggingFaceTokenizerJson.Reason(e)}",
                "give text that is valid Unicode (no lone surrogates)", inner: e);
        }
        var result = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++) result[i] = checked((int)ids[i]);
        return result;
    }

    public override string Decode(int[] ids) => tokenizer.Decode(Array.ConvertAll(ids, id => checked((uint)id)));
}
