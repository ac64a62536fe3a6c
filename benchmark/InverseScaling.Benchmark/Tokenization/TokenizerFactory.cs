using System.Text.Json;
using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;
using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// Builds a checkpoint's tokenizer from its files: GPT-2-style <c>vocab.json</c> + <c>merges.txt</c>, a Hugging Face
/// <c>tokenizer.json</c> of any pipeline, a SentencePiece <c>tokenizer.model</c>, or a tiktoken encoding (name or file).
/// </summary>
public static partial class TokenizerFactory
{
    /// <summary>GPT-2's pre-tokenisation: contractions, optionally space-led letters, digits and other runs, then whitespace.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private const string VocabFix = "use the vocab.json saved with the tokenizer (a JSON object of token → id)";

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
        if (files.Tiktoken is { } ranks) return TiktokenEncoding.FromFile(ranks, files.TiktokenEncoding);
        if (files.TiktokenEncoding is { } name) return TiktokenEncoding.FromName(name, "(tiktoken)", "tiktoken");
        throw new ArgumentException("the checkpoint names no tokenizer file", nameof(files));
    }

    /// <summary>
    /// The tokenizer a single path or name stands for, as the <c>tokenize</c> verb takes it: a tiktoken encoding name,
    /// <c>*.tiktoken</c>, <c>*.model</c> (SentencePiece), <c>*vocab.json</c> (with <c>merges.txt</c> beside it) or any other
    /// <c>*.json</c> (a Hugging Face tokenizer.json).
    /// </summary>
    public static CheckpointTokenizer FromPath(string fileOrName)
    {
        if (TiktokenEncoding.Names.Contains(fileOrName) && !File.Exists(fileOrName)) return TiktokenEncoding.FromName(fileOrName, fileOrName);
        var name = Path.GetFileName(fileOrName);
        if (name.EndsWith(".tiktoken", StringComparison.OrdinalIgnoreCase)) return TiktokenEncoding.FromFile(fileOrName);
        if (name.EndsWith(".model", StringComparison.OrdinalIgnoreCase)) return FromSentencePiece(fileOrName);
        if (name.EndsWith("vocab.json", StringComparison.OrdinalIgnoreCase))
        {
            return FromVocabAndMerges(fileOrName, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fileOrName))!, "merges.txt"));
        }
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return FromTokenizerJson(fileOrName);
        throw new BenchmarkInputException(fileOrName, "the tokenizer's kind cannot be told from its name",
            $"give a tokenizer.json, a vocab.json (merges.txt beside it), a tokenizer.model, a *.tiktoken file or one of {string.Join(", ", TiktokenEncoding.Names)}");
    }

    /// <summary>A GPT-2-style byte-level BPE from <c>vocab.json</c> (token → id) and <c>merges.txt</c> (one "a b" per line, optional <c>#version</c> header).</summary>
    public static CheckpointTokenizer FromVocabAndMerges(string vocabPath, string mergesPath)
    {
        var vocabulary = ReadVocabulary(vocabPath);
        var merges = ReadMerges(mergesPath, vocabulary);
        CheckByteAlphabet(vocabPath, vocabulary);
        var specials = vocabulary.Where(kv => SpecialTokenRegex().IsMatch(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return ByteLevel(vocabPath, vocabulary, merges, specials);
    }

    /// <summary>A Hugging Face <c>tokenizer.json</c> of any pipeline, encoded by Hugging Face's own tokenizers without special tokens.</summary>
    public static CheckpointTokenizer FromTokenizerJson(string path) => HuggingFaceTokenizerJson.Load(path);

    /// <summary>A SentencePiece model (BPE or Unigram), encoding without BOS/EOS; refused where Microsoft.ML.Tokenizers would differ from sentencepiece.</summary>
    public static CheckpointTokenizer FromSentencePiece(string path) => SentencePieceModel.Load(path);

    private static CheckpointTokenizer ByteLevel(string source, Dictionary<string, int> vocabulary, List<string> merges,
        Dictionary<string, int> specials)
    {
        var tokenizer = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = specials.Count > 0 ? specials : null,
            PreTokenizer = new RegexPreTokenizer(Gpt2Regex(), specials.Count > 0 ? specials : null),
        });
        return new CheckpointTokenizer(new MicrosoftMlEngine(tokenizer, source), TokenizerKind.VocabAndMerges, source, vocabulary, specials);
    }

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        using var document = JsonInput.ReadDocument(path, InputLimits.TokenizerBytes, "vocab.json", VocabFix);
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
            var where = TextExcerpt.Escape(field is null ? entry.Name : $"{field}.{entry.Name}", TextExcerpt.DefaultLength);
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new BenchmarkInputException(path, $"the id of token {TextExcerpt.Quote(entry.Name)} is {(entry.Value.ValueKind == JsonValueKind.String ? TextExcerpt.Quote(entry.Value.GetString()) : TextExcerpt.Escape(entry.Value.GetRawText()))}, not a non-negative integer",
                    "give every token a non-negative integer id", field: where);
            }
            if (byId.TryGetValue(id, out var other))
            {
                throw new BenchmarkInputException(path, $"tokens {TextExcerpt.Quote(other)} and {TextExcerpt.Quote(entry.Name)} share id {id}", "give every token its own id", field: where);
            }
            if (!vocabulary.TryAdd(entry.Name, id))
            {
                throw new BenchmarkInputException(path, $"token {TextExcerpt.Quote(entry.Name)} is listed twice", "list every token once", field: where);
            }
            byId[id] = entry.Name;
        }
        return vocabulary;
    }

    private static List<string> ReadMerges(string path, Dictionary<string, int> vocabulary)
    {
        var merges = new List<string>();
        var text = InputFile.ReadAllText(path, InputLimits.TokenizerBytes, "the merges file",
            "put the merges.txt saved with the tokenizer there, or fix the checkpoint's \"merges\" path");
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r'));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (number == 1 && line.StartsWith("#version", StringComparison.Ordinal)) continue;
            if (line.Length == 0) continue;
            var (left, right) = SplitMerge(line) ?? throw new BenchmarkInputException(path,
                $"line {TextExcerpt.Quote(line)} is not two tokens separated by one space", "write one merge per line as \"a b\"", number);
            if (!seen.TryAdd(line, number))
            {
                throw new BenchmarkInputException(path, $"merge {TextExcerpt.Quote(line)} is listed twice (first on line {seen[line]})",
                    "list every merge once, in the order of its rank", number);
            }
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
            if (!vocabulary.ContainsKey(part)) throw error($"merge {TextExcerpt.Quote(left + " " + right)} uses {TextExcerpt.Quote(part)}, which is not in the vocabulary");
        }
        if (!vocabulary.ContainsKey(left + right)) throw error($"merge {TextExcerpt.Quote(left + " " + right)} makes {TextExcerpt.Quote(left + right)}, which is not in the vocabulary");
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

}
