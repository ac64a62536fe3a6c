using System.Diagnostics;
using InverseScaling.Benchmark.Caching;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Performance;

/// <summary>What one algorithm did on one checkpoint: time spent scoring, the work counted, and its FLOPs.</summary>
/// <param name="Cpu">Processor time of the process (every thread) while the algorithm scored.</param>
public sealed record AlgorithmMeasurement(TimeSpan Wall, ScoringStatistics Statistics, double Flops, TimeSpan Cpu = default)
{
    public static AlgorithmMeasurement Empty { get; } = new(TimeSpan.Zero, ScoringStatistics.Empty, 0);

    public double TokensPerSecond => Wall > TimeSpan.Zero ? Statistics.Tokens / Wall.TotalSeconds : 0;

    public double GigaflopsPerSecond => Wall > TimeSpan.Zero ? Flops / Wall.TotalSeconds / 1e9 : 0;

    public AlgorithmMeasurement Add(AlgorithmMeasurement other) => new(Wall + other.Wall, Statistics.Add(other.Statistics), Flops + other.Flops, Cpu + other.Cpu);
}

/// <summary>
/// How far two algorithms' results are apart: per request (summed log-probability), per example (loss, label mass and
/// every class's log-probability), and how often a greedy flag or a predicted class differs.
/// </summary>
public sealed record Agreement(long Requests, long Examples, double MaxRequestDifference, double MaxExampleDifference,
    long GreedyMismatches, long PredictionMismatches, string? Worst)
{
    public static Agreement Empty { get; } = new(0, 0, 0, 0, 0, 0, null);

    /// <summary>Every value within <paramref name="tolerance"/> and every flag and prediction the same.</summary>
    public bool Within(double tolerance) =>
        MaxRequestDifference <= tolerance && MaxExampleDifference <= tolerance && GreedyMismatches == 0 && PredictionMismatches == 0;

    public Agreement Add(Agreement other) => new(
        Requests + other.Requests, Examples + other.Examples,
        Math.Max(MaxRequestDifference, other.MaxRequestDifference), Math.Max(MaxExampleDifference, other.MaxExampleDifference),
        GreedyMismatches + other.GreedyMismatches, PredictionMismatches + other.PredictionMismatches,
        other.MaxRequestDifference > MaxRequestDifference || other.MaxExampleDifference > MaxExampleDifference ? other.Worst ?? Worst : Worst ?? other.Worst);
}

/// <summary>The naive algorithm and the engine on one checkpoint, over the same tokenized requests.</summary>
/// <param name="EngineAlgorithm">The engine's <see cref="LoglikelihoodScorer.Name"/>.</param>
/// <param name="MinimumTokens">Each distinct context of a task once plus each continuation once: the least any exact algorithm runs without reusing work across tasks.</param>
/// <param name="WarmCache">Answering every request from the results cache, when the comparison had one.</param>
/// <param name="ScoredPositions">Distinct positions whose log-probabilities the requests read (<see cref="AlgorithmComparison.ScoredPositions"/>).</param>
/// <param name="Memory">Peak resident memory while each algorithm scored.</param>
/// <param name="EngineFallbacks">What the engine's model could not do of what it was asked (<see cref="CheckpointScorer.Fallbacks"/>).</param>
public sealed record CheckpointComparison(
    string Checkpoint,
    string EngineAlgorithm,
    ForwardFlops Flops,
    AlgorithmMeasurement Naive,
    AlgorithmMeasurement Engine,
    long MinimumTokens,
    Agreement Agreement,
    TimeSpan? WarmCache,
    long ScoredPositions = 0,
    MemoryPeaks? Memory = null,
    IReadOnlyList<string>? EngineFallbacks = null);

/// <summary>Peak resident bytes of the process while the engine and while the naive algorithm scored, each with only its own model open (the engine first).</summary>
/// <param name="Separate">Each peak was reset before its algorithm ran; false: both are the process's peak so far.</param>
public sealed record MemoryPeaks(long Naive, long Engine, bool Separate);

/// <summary>What <see cref="AlgorithmComparison"/> scores and how.</summary>
/// <param name="Limit">First N examples of each task (and control set).</param>
/// <param name="IntraOpThreads">ONNX Runtime threads of the naive algorithm's model calls (null: every core).</param>
/// <param name="Cache">Stores the engine's results there and times answering them from it.</param>
/// <param name="Repeats">Times each algorithm scores each task set; the shortest run counts.</param>
public sealed record ComparisonOptions(int? Limit = null, bool IncludeControls = true, int? IntraOpThreads = null, ResultCache? Cache = null, int Repeats = 1)
{
    /// <summary>The engine's settings; its model calls get the cores divided among its workers.</summary>
    public LoglikelihoodScorerOptions Scorer { get; init; } = LoglikelihoodScorerOptions.ForThisMachine;

    /// <summary>Layers and attention width by checkpoint name, for FLOPs where the model does not tell them (a plain export).</summary>
    public IReadOnlyDictionary<string, KeyValueShape>? AttentionShapes { get; init; }

    /// <summary>Where both algorithms' models run.</summary>
    public ExecutionDevice Device { get; init; } = ExecutionDevice.Cpu;
}

/// <summary>
/// Scores the same tasks on a checkpoint with the naive official algorithm (<see cref="NaiveLoglikelihoodScorer"/> on
/// the plain export, one request at a time, every core inside each model call) and with the engine
/// (<see cref="CheckpointScorer"/>: the with-past export when the checkpoint has one, batches spread over workers),
/// timing only the scoring: both get the same token ids, encoded once.
/// </summary>
public static class AlgorithmComparison
{
    public static CheckpointComparison Compare(Checkpoint checkpoint, IReadOnlyList<BenchmarkTask> tasks, ComparisonOptions options, string manifestPath,
        Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        var tokenizer = TokenizerFactory.Create(checkpoint.Tokenizer);
        var encoder = RequestEncoder.For(checkpoint, tokenizer, manifestPath);
        var modelOptions = new OnnxModelOptions(tokenizer.VocabularySize, checkpoint.Manifest.MaxContext) { Device = options.Device };
        var units = new List<Unit>();
        foreach (var task in tasks)
        {
            foreach (var control in options.IncludeControls && task.ControlPath is not null ? new[] { false, true } : [false])
            {
                cancellationToken.ThrowIfCancellationRequested();
                var examples = control ? task.ReadControl(cancellationToken) : task.ReadExamples(cancellationToken);
                if (options.Limit is { } limit) examples = examples.Take(limit);
                var set = RequestBuilder.Build(examples, cancellationToken);
                units.Add(new Unit(control ? $"{task.Name} (control)" : task.Name, task.Format, set, encoder.Encode(set, cancellationToken)));
            }
        }

        // One algorithm at a time, each with only its own model open, so that each peak is that algorithm's own.
        var separate = ResidentMemory.ResetPeak();
        string algorithm;
        KeyValueShape? cacheShape;
        IReadOnlyList<string> fallbacks;
        Phase engine;
        using (var checkpointScorer = CheckpointScorer.Create(checkpoint, modelOptions, options.Scorer))
        {
            var scorer = checkpointScorer.Open();
            engine = Time(units, scorer, () => new LoglikelihoodScorer(checkpointScorer.Model, checkpointScorer.ModelPath, options.Scorer),
                $"{checkpoint.Name} engine", options.Repeats, progress, cancellationToken) with { Statistics = scorer.Statistics };
            (algorithm, cacheShape, fallbacks) = (checkpointScorer.Name, checkpointScorer.CacheShape, checkpointScorer.Fallbacks);
        }
        var enginePeak = ResidentMemory.Peak();
        var flops = ForwardFlops.ForGpt2Style(checkpoint.Manifest, tokenizer.VocabularySize, cacheShape ?? options.AttentionShapes?.GetValueOrDefault(checkpoint.Name));

        separate &= ResidentMemory.ResetPeak();
        Phase naive;
        using (var plain = OnnxDecoder.Create(checkpoint.OnnxPath, modelOptions with { IntraOpThreads = options.IntraOpThreads }))
        {
            var scorer = new NaiveLoglikelihoodScorer(plain, checkpoint.OnnxPath);
            naive = Time(units, scorer, () => new NaiveLoglikelihoodScorer(plain, checkpoint.OnnxPath),
                $"{checkpoint.Name} naive", options.Repeats, progress, cancellationToken) with { Statistics = scorer.Statistics };
        }
        var naivePeak = ResidentMemory.Peak();

        TimeSpan? warm = null;
        if (options.Cache?.For(ScoringIdentity.For(checkpoint, algorithm, options.Device)) is { } cache)
        {
            var fromCache = new CachedScorer(cache, Unreachable.Instance);
            warm = TimeSpan.Zero;
            for (var i = 0; i < units.Count; i++)
            {
                cache.Store(units[i].Requests, engine.Scores[i]);
                var watch = Stopwatch.StartNew();
                fromCache.Score(units[i].Requests, cancellationToken);
                warm += watch.Elapsed;
            }
        }

        long minimum = 0, scored = 0;
        var agreement = Agreement.Empty;
        for (var i = 0; i < units.Count; i++)
        {
            minimum += MinimumTokens(units[i].Requests);
            scored += ScoredPositions(units[i].Requests);
            agreement = agreement.Add(Compare(units[i].Format, units[i].Set, naive.Scores[i], engine.Scores[i], $"{checkpoint.Name} {units[i].Name}"));
        }
        return new CheckpointComparison(checkpoint.Name, algorithm, flops,
            new AlgorithmMeasurement(naive.Wall, naive.Statistics, flops.Of(naive.Statistics), naive.Cpu),
            new AlgorithmMeasurement(engine.Wall, engine.Statistics, flops.Of(engine.Statistics), engine.Cpu),
            minimum, agreement, warm, scored, new MemoryPeaks(naivePeak, enginePeak, separate), fallbacks);
    }

    /// <summary>One task's (or control set's) requests, tokenized once for both algorithms.</summary>
    private sealed record Unit(string Name, TaskFormat Format, RequestSet Set, IReadOnlyList<TokenizedRequest> Requests);

    /// <summary>What one algorithm returned and spent over every unit.</summary>
    private sealed record Phase(IReadOnlyList<IReadOnlyList<ContinuationScore>> Scores, TimeSpan Wall, TimeSpan Cpu)
    {
        public ScoringStatistics Statistics { get; init; } = ScoringStatistics.Empty;
    }

    /// <summary>
    /// Warms the model up on a few requests of each unit, then scores every unit with <paramref name="counted"/> (whose
    /// statistics the caller reads); repeats only time, each with a <paramref name="fresh"/> scorer on the same model,
    /// and the shortest run counts: it is the one least disturbed by other work on the machine.
    /// </summary>
    private static Phase Time(IReadOnlyList<Unit> units, ILoglikelihoodScorer counted, Func<ILoglikelihoodScorer> fresh, string label, int repeats,
        Action<string>? progress, CancellationToken cancellationToken)
    {
        // A few requests of every unit compile each code path and grow the allocator's arena to each task's lengths.
        fresh().Score(units.SelectMany(u => u.Requests.Take(2)).ToList(), cancellationToken);
        var scores = new List<IReadOnlyList<ContinuationScore>>(units.Count);
        var wall = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        foreach (var unit in units)
        {
            progress?.Invoke($"{label}: {unit.Name}, {unit.Requests.Count} requests");
            var processor = ProcessorTime();
            var watch = Stopwatch.StartNew();
            scores.Add(counted.Score(unit.Requests, cancellationToken));
            var best = watch.Elapsed;
            cpu += ProcessorTime() - processor;
            for (var repeat = 1; repeat < repeats; repeat++)
            {
                watch.Restart();
                fresh().Score(unit.Requests, cancellationToken);
                best = Min(best, watch.Elapsed);
            }
            wall += best;
        }
        return new Phase(scores, wall, cpu);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Σ over distinct contexts of their length + Σ over requests of the continuation's length.</summary>
    public static long MinimumTokens(IReadOnlyList<TokenizedRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var contexts = new HashSet<string>(StringComparer.Ordinal);
        long tokens = 0;
        foreach (var request in requests)
        {
            if (contexts.Add(string.Join(',', request.Context))) tokens += request.Context.Length;
            tokens += request.Continuation.Length;
        }
        return tokens;
    }

    /// <summary>
    /// Distinct positions whose next-token log-probabilities the requests read: one per distinct token sequence
    /// context + continuation[..i], so continuations of one context share the position at the context's end. The least head work.
    /// </summary>
    public static long ScoredPositions(IReadOnlyList<TokenizedRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var prefix = new System.Text.StringBuilder(string.Join(',', request.Context));
            foreach (var token in request.Continuation)
            {
                prefixes.Add(prefix.ToString());
                prefix.Append(',').Append(token);
            }
        }
        return prefixes.Count;
    }

    /// <summary>Per-request and per-example differences between two algorithms' scores of the same request set.</summary>
    public static Agreement Compare(TaskFormat format, RequestSet set, IReadOnlyList<ContinuationScore> reference, IReadOnlyList<ContinuationScore> other, string where)
    {
        ArgumentNullException.ThrowIfNull(set);
        double maxRequest = 0, maxExample = 0;
        long greedy = 0, predicted = 0;
        string? worst = null;
        for (var i = 0; i < reference.Count; i++)
        {
            var difference = Math.Abs(reference[i].LogProbability - other[i].LogProbability);
            if (difference > maxRequest)
            {
                maxRequest = difference;
                worst = $"{where}, request {i}";
            }
            if (reference[i].IsGreedy != other[i].IsGreedy) greedy++;
        }
        foreach (var example in set.Examples)
        {
            var a = ExampleScoring.Score(format, example.Example, example.Slice(reference));
            var b = ExampleScoring.Score(format, example.Example, example.Slice(other));
            var difference = Math.Abs(a.Loss - b.Loss);
            if (a.TotalLogProbability is { } ta && b.TotalLogProbability is { } tb) difference = Math.Max(difference, Math.Abs(ta - tb));
            for (var c = 0; c < a.ClassLogProbabilities.Count; c++)
            {
                difference = Math.Max(difference, Math.Abs(a.ClassLogProbabilities[c] - b.ClassLogProbabilities[c]));
            }
            if (difference > maxExample)
            {
                maxExample = difference;
                worst ??= $"{where}, example {example.Example.Index}";
            }
            if (a.Predicted != b.Predicted || a.Correct != b.Correct) predicted++;
        }
        return new Agreement(reference.Count, set.Examples.Count, maxRequest, maxExample, greedy, predicted, worst);
    }

    /// <summary>Stands in for a scorer where every request must come from the cache.</summary>
    private sealed class Unreachable : ILoglikelihoodScorer
    {
        public static Unreachable Instance { get; } = new();

        public IReadOnlyList<ContinuationScore> Score(IReadOnlyList<TokenizedRequest> requests, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"{requests.Count} requests missed the cache right after they were stored");
    }
}
