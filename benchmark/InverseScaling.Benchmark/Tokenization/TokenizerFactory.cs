using System.Text.Json;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// Builds a checkpoint's tokenizer from its files: GPT-2-style <c>vocab.json</c> + <c>merges.txt</c>, a Hugging Face
/// byte-level BPE <c>tokenizer.json</c>, or a SentencePiece <c>tokenizer.model</c>.
/// </summary>
public static partial class TokenizerFactory
{
    /// <summary>GPT-2's pre-tokenisation: contractions, optionally space-led letters, digits and other runs, then whitespace.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    [GeneratedRegex(Gpt2Pattern)]
    private static partial Regex Gpt2Regex();

    /// <summary>Tokens of the form <c>&lt;|...|&gt;</c> in a vocab.json are matched whole in text, as GPT-2's <c>&lt;|endoftext|&gt;</c>.</summary>
    [GeneratedRegex(@"^<\|[^\s|]+\|>$")]
    private static partial Regex SpecialTokenRegex();

    public static CheckpointTokenizer Create(TokenizerFiles files)
    {
        if (files.Vocab is { } vocab)
        {
            if (files.Merges is null)
            {
                throw new BenchmarkInputException(vocab, "a vocab.json needs its merges.txt, and the checkpoint names none",
                    "add \"merges\" beside \"vocab\" in the checkpoint's files", field: "files.merges");
            }
            return FromVocabAndMerges(vocab, files.Merges);
        }
        if (files.Merges is { } merges)
        {
            throw new BenchmarkInputException(merges, "a merges.txt needs its vocab.json, and the checkpoint names none",
                "add \"vocab\" beside \"merges\" in the checkpoint's files", field: "files.vocab");
        }
        if (files.TokenizerJson is { } json) return FromTokenizerJson(json);
        if (files.SentencePiece is { } model) return FromSentencePiece(model);
        throw new ArgumentException("the checkpoint names no tokenizer file", nameof(files));
    }

    /// <summary>A GPT-2-style byte-level BPE from <c>vocab.json</c> (token → id) and <c>merges.txt</c> (one "a b" per line, optional <c>#version</c> header).</summary>
    public static CheckpointTokenizer FromVocabAndMerges(string vocabPath, string mergesPath)
    {
        var vocabulary = ReadVocabulary(vocabPath);
        var merges = ReadMerges(mergesPath, vocabulary);
        CheckByteAlphabet(vocabPath, vocabulary);
        var specials = vocabulary.Where(kv => SpecialTokenRegex().IsMatch(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return ByteLevel(vocabPath, vocabulary, merges, specials, normalizer: null);
    }

    /// <summary>A byte-level BPE from a Hugging Face <c>tokenizer.json</c>: <c>model.vocab</c>, <c>model.merges</c> in either form, <c>added_tokens</c>.</summary>
    public static CheckpointTokenizer FromTokenizerJson(string path)
    {
        using var document = ParseJson(path, "tokenizer.json", "use the tokenizer.json saved with the checkpoint");
        var root = document.RootElement;
        var model = Property(path, root, "model", JsonValueKind.Object);
        var type = Property(path, model, "type", JsonValueKind.String, "model.type").GetString();
        if (type != "BPE")
        {
            throw new BenchmarkInputException(path, $"model type \"{type}\" is not supported", "use a byte-level BPE tokenizer.json, or the SentencePiece tokenizer.model", field: "model.type");
        }
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(affix, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
            {
                throw new BenchmarkInputException(path, $"model.{affix} is set, which byte-level BPE does not use", "use a GPT-2-style byte-level BPE tokenizer.json", field: $"model.{affix}");
            }
        }
        CheckPreTokenizer(path, root);
        var normalizer = ReadNormalizer(path, root);

        var vocabulary = ReadVocabulary(path, Property(path, model, "vocab", JsonValueKind.Object, "model.vocab"), "model.vocab");
        var merges = new List<string>();
        var index = 0;
        foreach (var merge in Property(path, model, "merges", JsonValueKind.Array, "model.merges").EnumerateArray())
        {
            var field = $"model.merges[{index}]";
            var (left, right) = merge.ValueKind switch
            {
                JsonValueKind.String => SplitMerge(merge.GetString()!) ?? throw new BenchmarkInputException(path,
                    $"merge \"{merge.GetString()}\" is not two tokens separated by one space", "write each merge as \"a b\" or [\"a\", \"b\"]", field: field),
                JsonValueKind.Array when merge.GetArrayLength() == 2 && merge.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String) =>
                    (merge[0].GetString()!, merge[1].GetString()!),
                _ => throw new BenchmarkInputException(path, $"merge {merge.GetRawText()} is neither \"a b\" nor [\"a\", \"b\"]", "write each merge as \"a b\" or [\"a\", \"b\"]", field: field),
            };
            if (left.Contains(' ') || right.Contains(' '))
            {
                throw new BenchmarkInputException(path, $"merge [\"{left}\", \"{right}\"] has a space inside a token, which byte-level BPE never produces",
                    "use a byte-level BPE tokenizer.json", field: field);
            }
            CheckMerge(vocabulary, left, right, m => new BenchmarkInputException(path, m, "use the merges saved with this vocabulary", field: field));
            merges.Add(left + " " + right);
            index++;
        }
        CheckByteAlphabet(path, vocabulary);

        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            index = 0;
            foreach (var token in added.EnumerateArray())
            {
                var field = $"added_tokens[{index++}]";
                var content = Property(path, token, "content", JsonValueKind.String, field + ".content").GetString()!;
                if (!Property(path, token, "id", JsonValueKind.Number, field + ".id").TryGetInt32(out var id) || id < 0)
                {
                    throw new BenchmarkInputException(path, $"the id of added token \"{content}\" is not a non-negative integer", "fix the id", field: field + ".id");
                }
                if (vocabulary.TryGetValue(content, out var vocabId) && vocabId != id)
                {
                    throw new BenchmarkInputException(path, $"added token \"{content}\" has id {id} but the vocabulary gives it {vocabId}", "use one id for the token", field: field + ".id");
                }
                specials[content] = id;
                vocabulary.TryAdd(content, id);
            }
        }
        return ByteLevel(path, vocabulary, merges, specials, normalizer);
    }

    /// <summary>A SentencePiece model (BPE or Unigram), encoding without BOS/EOS.</summary>
    public static CheckpointTokenizer FromSentencePiece(string path)
    {
        SentencePieceTokenizer tokenizer;
        try
        {
            using var stream = File.OpenRead(path);
            tokenizer = SentencePieceTokenizer.Create(stream, false, false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BenchmarkInputException(path, "the SentencePiece model does not exist", "check the checkpoint's \"sentencePiece\" path", inner: e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new BenchmarkInputException(path, $"cannot read the SentencePiece model: {e.Message}", "give the tokenizer.model file saved with the checkpoint", inner: e);
        }
        return new CheckpointTokenizer(tokenizer, TokenizerKind.SentencePiece, path, tokenizer.Vocabulary,
            tokenizer.SpecialTokens ?? new Dictionary<string, int>());
    }

    private static CheckpointTokenizer ByteLevel(string source, Dictionary<string, int> vocabulary, List<string> merges,
        Dictionary<string, int> specials, Normalizer? normalizer)
    {
        var tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = specials.Count > 0 ? specials : null,
            PreTokenizer = new RegexPreTokenizer(Gpt2Regex(), specials.Count > 0 ? specials : null),
            Normalizer = normalizer,
        });
        return new CheckpointTokenizer(tokenizer, TokenizerKind.ByteLevelBpe, source, vocabulary, specials);
    }

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        using var document = ParseJson(path, "vocab.json", "use the vocab.json saved with the tokenizer (a JSON object of token → id)");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new BenchmarkInputException(path, "vocab.json is not a JSON object of token → id", "use the vocab.json saved with the tokenizer");
        }
        return ReadVocabulary(path, document.RootElement, null);
    }

    private static Dictionary<string, int> ReadVocabulary(string path, JsonElement element, string? field)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var byId = new Dictionary<int, string>();
        foreach (var entry in element.EnumerateObject())
        {
            var where = field is null ? entry.Name : $"{field}.{entry.Name}";
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new BenchmarkInputException(path, $"the id of token \"{entry.Name}\" is {entry.Value.GetRawText()}, not a non-negative integer",
                    "give every token a non-negative integer id", field: where);
            }
            if (byId.TryGetValue(id, out var other))
            {
                throw new BenchmarkInputException(path, $"tokens \"{other}\" and \"{entry.Name}\" share id {id}", "give every token its own id", field: where);
            }
            if (!vocabulary.TryAdd(entry.Name, id))
            {
                throw new BenchmarkInputException(path, $"token \"{entry.Name}\" is listed twice", "list every token once", field: where);
            }
            byId[id] = entry.Name;
        }
        return vocabulary;
    }

    private static List<string> ReadMerges(string path, Dictionary<string, int> vocabulary)
    {
        var merges = new List<string>();
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BenchmarkInputException(path, "the merges file does not exist", "put the merges.txt saved with the tokenizer there, or fix the checkpoint's \"merges\" path", inner: e);
        }
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (number == 1 && line.StartsWith("#version", StringComparison.Ordinal)) continue;
            if (line.Length == 0) continue;
            var (left, right) = SplitMerge(line) ?? throw new BenchmarkInputException(path,
                $"line \"{line}\" is not two tokens separated by one space", "write one merge per line as \"a b\"", number);
            CheckMerge(vocabulary, left, right, m => new BenchmarkInputException(path, m, "use the merges.txt saved with this vocab.json", number));
            merges.Add(line);
        }
        return merges;
    }

    private static (string, string)? SplitMerge(string merge)
    {
        var space = merge.IndexOf(' ');
        if (space <= 0 || space == merge.Length - 1 || merge.IndexOf(' ', space + 1) >= 0) return null;
        return (merge[..space], merge[(space + 1)..]);
    }

    private static void CheckMerge(Dictionary<string, int> vocabulary, string left, string right, Func<string, BenchmarkInputException> error)
    {
        foreach (var part in new[] { left, right })
        {
            if (!vocabulary.ContainsKey(part)) throw error($"merge \"{left} {right}\" uses \"{part}\", which is not in the vocabulary");
        }
        if (!vocabulary.ContainsKey(left + right)) throw error($"merge \"{left} {right}\" makes \"{left + right}\", which is not in the vocabulary");
    }

    /// <summary>Byte-level BPE silently drops bytes whose symbol is missing, so every byte must have one.</summary>
    private static void CheckByteAlphabet(string path, Dictionary<string, int> vocabulary)
    {
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteSymbol(b).ToString();
            if (!vocabulary.ContainsKey(symbol))
            {
                throw new BenchmarkInputException(path, $"the vocabulary has no symbol for byte 0x{b:X2} (\"{symbol}\")",
                    "a byte-level BPE vocabulary must hold all 256 byte symbols of GPT-2's byte-to-unicode alphabet");
            }
        }
    }

    /// <summary>GPT-2's byte-to-unicode map: printable Latin-1 bytes stand for themselves, the rest shift to U+0100 onwards in byte order.</summary>
    internal static char ByteSymbol(int b)
    {
        static bool Printable(int x) => x is >= '!' and <= '~' or >= '\u00A1' and <= '\u00AC' or >= '\u00AE' and <= '\u00FF';
        if (Printable(b)) return (char)b;
        var shifted = 0;
        for (var x = 0; x < b; x++)
        {
            if (!Printable(x)) shifted++;
        }
        return (char)(256 + shifted);
    }

    private static void CheckPreTokenizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind == JsonValueKind.Null)
        {
            throw new BenchmarkInputException(path, "there is no pre_tokenizer; byte-level BPE needs the ByteLevel pre-tokenizer",
                "use a GPT-2-style byte-level BPE tokenizer.json", field: "pre_tokenizer");
        }
        var field = "pre_tokenizer";
        if (pre.TryGetProperty("type", out var t) && t.GetString() == "Sequence" && pre.TryGetProperty("pretokenizers", out var list)
            && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 1)
        {
            pre = list[0];
            field = "pre_tokenizer.pretokenizers[0]";
        }
        var type = pre.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        if (type != "ByteLevel")
        {
            throw new BenchmarkInputException(path, $"pre-tokenizer \"{type}\" is not supported", "use a GPT-2-style byte-level BPE tokenizer.json (ByteLevel pre-tokenizer)", field: field);
        }
        if (pre.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
        {
            throw new BenchmarkInputException(path, "add_prefix_space is true, which puts a space before every text and is not supported",
                "use a tokenizer.json with add_prefix_space false (as GPT-2's)", field: field + ".add_prefix_space");
        }
        if (pre.TryGetProperty("use_regex", out var regex) && regex.ValueKind == JsonValueKind.False)
        {
            throw new BenchmarkInputException(path, "use_regex is false, so the GPT-2 pattern would not split the text",
                "use a tokenizer.json whose ByteLevel pre-tokenizer uses the GPT-2 pattern", field: field + ".use_regex");
        }
    }

    private static Normalizer? ReadNormalizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return null;
        var type = normalizer.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "NFC") return new NfcNormalizer();
        if (type == "Sequence" && normalizer.TryGetProperty("normalizers", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 0) return null;
        throw new BenchmarkInputException(path, $"normalizer \"{type}\" is not supported", "use a tokenizer.json with no normalizer or NFC", field: "normalizer");
    }

    private static JsonDocument ParseJson(string path, string what, string fix)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BenchmarkInputException(path, $"the {what} file does not exist", fix, inner: e);
        }
        catch (JsonException e)
        {
            throw new BenchmarkInputException(path, $"{what} is not valid JSON: {e.Message.Split(". ", 2)[0].TrimEnd('.')}", fix,
                e.LineNumber is { } l ? (int)l + 1 : null, inner: e);
        }
    }

    private static JsonElement Property(string path, JsonElement parent, string name, JsonValueKind kind, string? field = null)
    {
        field ??= name;
        if (!parent.TryGetProperty(name, out var value))
        {
            throw new BenchmarkInputException(path, $"missing \"{field}\"", "use the tokenizer.json saved with the checkpoint", field: field);
        }
        if (value.ValueKind != kind)
        {
            throw new BenchmarkInputException(path, $"\"{field}\" is a {value.ValueKind.ToString().ToLowerInvariant()}, not a {kind.ToString().ToLowerInvariant()}",
                "use the tokenizer.json saved with the checkpoint", field: field);
        }
        return value;
    }
}
