using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>
/// The reference ids under TestData/Tokenization/hf (written by its make-expected.mjs with @huggingface/tokenizers and
/// OpenAI's tiktoken), the real tokenizer.json files they belong to, and the task texts they cover, read by the suite.
/// </summary>
internal static class ReferenceIds
{
    /// <summary>Examples per task file whose requests (context, context + continuation) the reference also encoded.</summary>
    public const int SampledExamples = 20;

    private static readonly ConcurrentDictionary<string, Lazy<CheckpointTokenizer>> Tokenizers = new();
    private static readonly ConcurrentDictionary<string, Lazy<string>> Paths = new();
    private static readonly Lazy<IReadOnlyList<BenchmarkTask>> AllTasks = new(() => TaskCatalog.Discover(TestPaths.Tasks));

    public static string Folder(params string[] parts) => TestPaths.TestData(["Tokenization", "hf", .. parts]);

    /// <summary>A committed real tokenizer.json (gzipped), loaded once per test run.</summary>
    public static CheckpointTokenizer TokenizerJson(string name) =>
        Tokenizers.GetOrAdd(name, n => new Lazy<CheckpointTokenizer>(() => TokenizerFactory.FromTokenizerJson(TokenizerJsonPath(n)))).Value;

    /// <summary>A committed real tokenizer.json, unpacked once per test run into a temporary folder.</summary>
    public static string TokenizerJsonPath(string name) => Paths.GetOrAdd(name, n => new Lazy<string>(() =>
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "tokenizer.json");
        using var input = new GZipStream(File.OpenRead(Folder(n, "tokenizer.json.gz")), CompressionMode.Decompress);
        using var output = File.Create(path);
        input.CopyTo(output);
        return path;
    })).Value;

    /// <summary>Piece by id of a committed tokenizer.json's <c>model.vocab</c>.</summary>
    public static Dictionary<int, string> Pieces(string name)
    {
        using var input = new GZipStream(File.OpenRead(Folder(name, "tokenizer.json.gz")), CompressionMode.Decompress);
        using var document = System.Text.Json.JsonDocument.Parse(input);
        return document.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Value.GetInt32(), p => p.Name);
    }

    /// <summary>Expected ids by text key (first 16 hex digits of the text's UTF-8 sha256).</summary>
    public static Dictionary<string, int[]> Expected(string name)
    {
        var expected = new Dictionary<string, int[]>(StringComparer.Ordinal);
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Folder("expected", name + ".ids.gz")), CompressionMode.Decompress), Encoding.UTF8);
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            expected[parts[0]] = [.. parts.Skip(1).Select(int.Parse)];
        }
        return expected;
    }

    public static string Key(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>Every task's data file and control set, as the suite reads them.</summary>
    public static IEnumerable<IReadOnlyList<TaskExample>> TaskFiles()
    {
        foreach (var task in AllTasks.Value)
        {
            yield return task.ReadExamples().ToList();
            yield return task.ReadControl().ToList();
        }
    }

    /// <summary>Prompt, other prompt, classes and completion of an example.</summary>
    public static IEnumerable<string> Texts(TaskExample example) => example switch
    {
        ClassificationExample c => [c.Prompt, .. c.Classes],
        SequenceProbExample s => [s.Prompt, s.Completion],
        LogOddsExample l => [l.Prompt, l.OtherPrompt, .. l.Classes],
        _ => throw new ArgumentOutOfRangeException(nameof(example)),
    };

    /// <summary>The requests of the sampled examples of every task file.</summary>
    public static IEnumerable<LoglikelihoodRequest> SampledRequests() =>
        TaskFiles().SelectMany(file => file.Take(SampledExamples)).SelectMany(RequestBuilder.For);

    /// <summary>What the reference encoded of a request: the context without trailing whitespace, and context + continuation.</summary>
    public static IEnumerable<string> Texts(LoglikelihoodRequest request) => [request.Context.TrimEnd(), request.Context + request.Continuation];
}
