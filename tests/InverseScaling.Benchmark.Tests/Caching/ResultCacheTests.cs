using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tests.Tokenization;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Caching;

public sealed class ResultCacheTests
{
    private const string Model = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string WithPast = "2222222222222222222222222222222222222222222222222222222222222222";
    private const string Vocab = "3333333333333333333333333333333333333333333333333333333333333333";
    private const string Merges = "4444444444444444444444444444444444444444444444444444444444444444";
    private const string Scorer = "engine/kv-cache";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly TokenizedRequest[] Requests =
    [
        new([5, 6, 7], [8]),
        new([5, 6, 7], [9, 10]),
        new([1], [2, 3, 4]),
    ];

    [Fact]
    public void A_request_list_scored_before_is_answered_by_its_segment_without_the_scorer()
    {
        var folder = TestPaths.NewTempDirectory();
        var first = new CountingScorer();
        var cold = new ResultCache(folder).For(Key());
        var expected = cold.Score(Requests, first, Cancel);

        var warm = new ResultCache(folder).For(Key());
        var again = new CountingScorer();
        var results = warm.Score(Requests, again, Cancel);

        Assert.Equal(3, first.Scored);
        Assert.Equal(0, again.Scored);
        Assert.Equal(expected, results);
        Assert.Equal(CountingScorer.Expected(Requests), results);
        Assert.Equal(new CacheStatistics(Segments: 1, RequestHits: 3, Misses: 0, EncodingHits: 0, WriteError: null), warm.Statistics);
        Assert.Equal(new CacheStatistics(Segments: 0, RequestHits: 0, Misses: 3, EncodingHits: 0, WriteError: null), cold.Statistics);
    }

    public static TheoryData<string> KeyParts =>
        ["model", "with-past export", "vocab", "merges", "scorer", "code", "runtime", "device", "context ids", "continuation ids"];

    [Theory]
    [MemberData(nameof(KeyParts))]
    public void A_change_to_any_part_of_the_key_misses(string part)
    {
        var folder = TestPaths.NewTempDirectory();
        new ResultCache(folder).For(Key()).Score(Requests, new CountingScorer(), Cancel);

        var key = part switch
        {
            "model" => Key(model: Model.Replace('1', '9')),
            "with-past export" => Key(withPast: WithPast.Replace('2', '9')),
            "vocab" => Key(vocab: Vocab.Replace('3', '9')),
            "merges" => Key(merges: Merges.Replace('4', '9')),
            "scorer" => Key(scorer: "engine/shared-prefixes"),
            "code" => Key() with { Code = "0.1.0+" + new string('f', 32) },
            "runtime" => Key() with { Runtime = "onnxruntime 0.0.1" },
            "device" => Key(device: ExecutionDevice.Parse("cuda:0")),
            _ => Key(),
        };
        TokenizedRequest[] requests = part switch
        {
            "context ids" => [Requests[0], Requests[1], new([1, 0], [2, 3, 4])],
            "continuation ids" => [Requests[0], Requests[1], new([1], [2, 3, 5])],
            _ => Requests,
        };
        var scorer = new CountingScorer();
        var cache = new ResultCache(folder).For(key);

        var results = cache.Score(requests, scorer, Cancel);

        // A request-level change misses only that request; a key-level change misses all three.
        Assert.Equal(part.EndsWith(" ids", StringComparison.Ordinal) ? 1 : 3, scorer.Scored);
        Assert.Equal(CountingScorer.Expected(requests), results);
    }

    [Fact]
    public void Requests_met_in_another_list_are_found_one_by_one()
    {
        var folder = TestPaths.NewTempDirectory();
        new ResultCache(folder).For(Key()).Score(Requests, new CountingScorer(), Cancel);
        TokenizedRequest[] reordered = [Requests[2], new([7], [7]), Requests[0]];
        var scorer = new CountingScorer();
        var cache = new ResultCache(folder).For(Key());

        var results = cache.Score(reordered, scorer, Cancel);
        var again = cache.Score(reordered, scorer, Cancel);

        Assert.Equal(1, scorer.Scored); // only [7] → [7]; the second call reads the new list's segment
        Assert.Equal(CountingScorer.Expected(reordered), results);
        Assert.Equal(results, again);
        Assert.Equal(new CacheStatistics(Segments: 1, RequestHits: 5, Misses: 1, EncodingHits: 0, WriteError: null), cache.Statistics);
    }

    [Fact]
    public void A_damaged_segment_reads_as_a_miss_and_is_rewritten()
    {
        var folder = TestPaths.NewTempDirectory();
        new ResultCache(folder).For(Key()).Score(Requests, new CountingScorer(), Cancel);
        var segment = Directory.EnumerateFiles(folder, "*.seg", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[60] ^= 0x10; // inside the first record's log-probability
        File.WriteAllBytes(segment, bytes);

        var scorer = new CountingScorer();
        var results = new ResultCache(folder).For(Key()).Score(Requests, scorer, Cancel);
        var repaired = new CountingScorer();
        new ResultCache(folder).For(Key()).Score(Requests, repaired, Cancel);

        Assert.Equal(3, scorer.Scored);
        Assert.Equal(CountingScorer.Expected(Requests), results);
        Assert.Equal(0, repaired.Scored);
    }

    [Fact]
    public void Concurrent_writers_and_readers_sharing_the_folder_never_see_a_partial_file()
    {
        var folder = TestPaths.NewTempDirectory();
        var lists = Enumerable.Range(0, 4)
            .Select(l => Enumerable.Range(0, 200).Select(i => new TokenizedRequest([l, i % 7, i], [i % 5 + 1, l])).ToArray())
            .ToArray();

        // Eight workers, each as a separate process would be (its own cache object), score random lists over and over.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, worker =>
        {
            var random = new TestRandom((ulong)worker);
            for (var round = 0; round < 25; round++)
            {
                var list = lists[random.Next(lists.Length)];
                var cache = new ResultCache(folder).For(Key());
                Assert.Equal(CountingScorer.Expected(list), cache.Score(list, new CountingScorer(), Cancel));
            }
        });

        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
        foreach (var list in lists)
        {
            var scorer = new CountingScorer();
            var cache = new ResultCache(folder).For(Key());
            Assert.Equal(CountingScorer.Expected(list), cache.Score(list, scorer, Cancel));
            Assert.Equal(0, scorer.Scored);
            Assert.Equal(1, cache.Statistics.Segments);
        }
    }

    [Fact]
    public void Token_ids_are_read_back_for_the_same_texts_and_tokenizer_settings()
    {
        var folder = TestPaths.NewTempDirectory();
        var tokenizer = TinyTokenizer.Create();
        var encoder = new RequestEncoder(tokenizer, new BosSpec(BosSpec.None, "<|endoftext|>"), 256, "test");
        var set = Set(("the cat", [" the", " cat"]), ("", ["café"]));
        var expected = encoder.Encode(set, Cancel);
        new ResultCache(folder).For(Key()).Encode(set, encoder, Cancel);

        var cache = new ResultCache(folder).For(Key());
        var read = cache.Encode(set, encoder, Cancel);
        var changedSet = Set(("the cat", [" the", " cats"]), ("", ["café"]));
        var changed = cache.Encode(changedSet, encoder, Cancel);
        var otherBos = new ResultCache(folder).For(Key(bos: BosSpec.Always));
        otherBos.Encode(set, encoder, Cancel);

        Assert.Equal(1, cache.Statistics.EncodingHits); // the changed text missed
        Assert.Equal(0, otherBos.Statistics.EncodingHits);
        Assert.Equal(expected.Length, read.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Context, read[i].Context);
            Assert.Equal(expected[i].Continuation, read[i].Continuation);
            Assert.Equal(expected[i].BoundaryDiffers, read[i].BoundaryDiffers);
            Assert.Equal(expected[i].TruncatedTokens, read[i].TruncatedTokens);
        }
        Assert.Same(read[0].Context, read[1].Context); // classes of one prompt share its ids, as the encoder's do
        Assert.Equal(encoder.Encode(changedSet, Cancel)[1].Continuation, changed[1].Continuation);
        Assert.NotEqual(expected[1].Continuation, changed[1].Continuation);
    }

    [Fact]
    public void A_cache_that_cannot_be_written_records_why_and_the_run_goes_on()
    {
        var blocker = Path.Combine(TestPaths.NewTempDirectory(), "cache");
        File.WriteAllText(blocker, "a file where the cache folder should be");
        var cache = new ResultCache(blocker).For(Key());
        var scorer = new CountingScorer();

        var results = cache.Score(Requests, scorer, Cancel);
        var again = new ResultCache(blocker).For(Key()).Score(Requests, scorer, Cancel);

        Assert.Equal(CountingScorer.Expected(Requests), results);
        Assert.Equal(results, again);
        Assert.Equal(6, scorer.Scored); // nothing was kept for the second run
        Assert.NotNull(cache.Statistics.WriteError);
        Assert.StartsWith(Path.Combine(blocker, "results"), cache.Statistics.WriteError);
    }

    private static RequestSet Set(params (string Prompt, string[] Classes)[] examples) =>
        RequestBuilder.Build(examples.Select((e, i) => new ClassificationExample(i, new SourceLocation("test.jsonl", i + 1), e.Prompt, e.Classes, 0)));

    private static ScoringIdentity Key(string model = Model, string withPast = WithPast, string vocab = Vocab, string merges = Merges, string bos = BosSpec.None,
        string scorer = Scorer, ExecutionDevice? device = null) =>
        ScoringIdentity.For(Checkpoint(model, withPast, vocab, merges, bos), scorer, device ?? ExecutionDevice.Cpu);

    private static Checkpoint Checkpoint(string model, string withPast, string vocab, string merges, string bos)
    {
        var files = new CheckpointFiles(new FileRef("m.onnx", model), new FileRef("vocab.json", vocab), new FileRef("merges.txt", merges),
            OnnxWithPast: new FileRef("m-with-past.onnx", withPast));
        var manifest = new CheckpointManifest("c", 1000, 2000, null, null, null, 256, new BosSpec(bos, "<|endoftext|>"), files);
        return new Checkpoint("family", manifest, "/absent/m.onnx", "/absent/m-with-past.onnx",
            new TokenizerFiles(TinyTokenizer.Vocab, TinyTokenizer.Merges, null, null));
    }

    /// <summary>Scores each request as −(Σ context + 10 · Σ continuation) / 100, greedy when the continuation is one token; counts what it scored.</summary>
    private sealed class CountingScorer : ILoglikelihoodScorer
    {
        private int scored;

        public int Scored => scored;

        public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref scored, requests.Count);
            return Expected(requests);
        }

        public static ContinuationScore[] Expected(IReadOnlyList<TokenizedRequest> requests) =>
            [.. requests.Select(r => new ContinuationScore(-(r.Context.Sum() + 10.0 * r.Continuation.Sum()) / 100, r.Continuation.Length == 1))];
    }
}

/// <summary>The cache as the suite uses it: a <see cref="CachedScorer"/> in front of the scorer.</summary>
internal static class CheckpointCacheScoring
{
    public static IReadOnlyList<ContinuationScore> Score(this CheckpointCache cache, IReadOnlyList<TokenizedRequest> requests, ILoglikelihoodScorer scorer,
        CancellationToken cancellationToken) => new CachedScorer(cache, scorer).Score(requests, cancellationToken);
}
