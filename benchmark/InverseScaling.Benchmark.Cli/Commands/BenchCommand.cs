using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// <c>bench</c>: scores the same tasks on the same checkpoints with the naive official algorithm and with the engine in
/// one process, and prints time, tokens, throughput and GFLOP/s of each against the fp32 matrix-multiply peak measured
/// on the spot, and whether the two agree within the tolerance; with <c>--synthetic</c>, on a temporary family of
/// random-weight GPT-2-shaped checkpoints (BenchCommand.Synthetic.cs).
/// </summary>
internal static partial class BenchCommand
{
    private const double Tolerance = 1e-5;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var family = new FamilyOption("The family's family.json (or its folder). Default: the bundled reference family.");
        var tasks = new TasksOption("Task names (folders under tasks/), task folders, or official .jsonl/.csv files. Default: every task under tasks/.");
        var scoring = new ScoringOptions();
        scoring.Threads.Description = "ONNX Runtime intra-op threads of the naive algorithm and of the matmul peak. Default: every core.";
        scoring.Device.Description = "Where ONNX Runtime runs both algorithms: cpu (default) or cuda[:N] (needs the GPU build, see docs/performance.md).";
        var checkpoints = new Option<string[]>("--checkpoints", "-c")
        {
            Description = "Checkpoint names to measure. Default: every checkpoint of the family.",
            AllowMultipleArgumentsPerToken = true,
        };
        var workers = new Option<int?>("--workers") { Description = "The engine's workers (each model call single-threaded when there is one per core). Default: one per core." };
        var repeats = new Option<int>("--repeat")
        {
            Description = "Score each task set this many times with each algorithm and keep the shortest time (filters other load on a shared machine).",
            DefaultValueFactory = _ => 1,
        };
        var peakSeconds = new Option<double>("--peak-seconds")
        {
            Description = "Seconds spent timing each matrix-multiply shape for the peak.",
            DefaultValueFactory = _ => 1.0,
        };
        var synthetic = new Option<bool>("--synthetic")
        {
            Description = "Measure on random-weight GPT-2-shaped checkpoints built in a temporary folder (deleted afterwards); --limit defaults to 16.",
        };
        var sizes = new Option<string>("--sizes")
        {
            Description = $"With --synthetic, the checkpoints built: {string.Join("; ", SyntheticFamily.Sets.Select(s => $"{s.Key} ({Describe(s.Value)})"))}.",
            DefaultValueFactory = _ => "gpt2",
        };
        var plainExports = new Option<bool>("--plain-exports")
        {
            Description = "With --synthetic, write only the plain exports (no with-past export), as a family exported without optimum's with-past decoder: the engine then shares prompts but not keys and values.",
        };
        var cache = new CacheOptions();
        var root = new RootOption();
        var command = new Command("bench", "Score the tasks with the naive official algorithm and with the engine, compare time, throughput and results.")
        {
            family.Option, tasks.Option, checkpoints, scoring.Limit, scoring.NoControls, scoring.Threads, workers, repeats, peakSeconds, synthetic, sizes, plainExports,
            scoring.Device, root.Option,
        };
        cache.AddTo(command);
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var errors = new OptionErrors();
            var layout = root.Bind(parse, errors);
            var isSynthetic = parse.GetValue(synthetic);
            var familyPath = parse.GetValue(family.Option) ?? layout.ReferenceFamily;
            if (isSynthetic && parse.GetValue(family.Option) is not null) errors.Add("--family and --synthetic: give one; --synthetic builds its own family");
            else if (familyPath is null && !isSynthetic) errors.Add(FamilyOption.NoDefault);
            if (!isSynthetic && parse.GetValue(plainExports)) errors.Add("--plain-exports without --synthetic: add --synthetic, or leave --plain-exports out (a family's own exports are those its family.json lists)");
            var shapes = isSynthetic ? SyntheticShapes(parse.GetValue(sizes)!, parse.GetValue(checkpoints), errors) : null;
            var executionDevice = errors.Try(() => Scoring.ExecutionDevice.Parse(parse.GetValue(scoring.Device)!).RequireAvailable());
            var limit = errors.WholeNumber(scoring.Limit.Name, parse.GetValue(scoring.Limit), 1, "give the number of examples to score per task, 1 or more, or leave --limit out for all");
            var threadCount = errors.WholeNumber(scoring.Threads.Name, parse.GetValue(scoring.Threads), 1, "give 1 or more threads, or leave --threads out for every core")
                ?? Environment.ProcessorCount;
            var selectedTasks = tasks.Bind(parse, layout, errors);
            errors.ThrowIfAny();
            var options = new ComparisonOptions(limit ?? (isSynthetic ? SyntheticLimit : null), !parse.GetValue(scoring.NoControls), threadCount,
                cache.Resolve(parse, layout), Math.Max(1, parse.GetValue(repeats)))
            {
                Scorer = Scoring.LoglikelihoodScorerOptions.ForThisMachine with { Workers = parse.GetValue(workers) ?? Environment.ProcessorCount },
                Device = executionDevice!,
                AttentionShapes = shapes?.ToDictionary(s => s.Name, s => s.Attention),
            };
            var peak = TimeSpan.FromSeconds(parse.GetValue(peakSeconds));
            var output = parse.InvocationConfiguration.Output;
            if (shapes is not null) return RunSynthetic(output, shapes, !parse.GetValue(plainExports), selectedTasks, options, peak, cancellationToken);
            var loaded = FamilyLoader.Load(familyPath!, cancellationToken: cancellationToken);
            return Run(output, loaded, SelectCheckpoints(loaded, parse.GetValue(checkpoints)), selectedTasks, options, peak, cancellationToken);
        }), cancellationToken));
        return command;
    }

    private static IReadOnlyList<Checkpoint> SelectCheckpoints(Family family, string[]? names)
    {
        if (names is not { Length: > 0 }) return family.Checkpoints;
        return names.Select(name => family.Checkpoints.FirstOrDefault(c => c.Name == name)
            ?? throw new Diagnostics.BenchmarkInputException(family.ManifestPath, $"the family has no checkpoint \"{name}\"",
                $"name one of {string.Join(", ", family.Checkpoints.Select(c => c.Name))}", field: "checkpoints")).ToList();
    }

    private static int Run(TextWriter output, Family family, IReadOnlyList<Checkpoint> checkpoints, IReadOnlyList<BenchmarkTask> tasks, ComparisonOptions options,
        TimeSpan peakTime, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var threads = options.IntraOpThreads!.Value;
        var workers = options.Scorer.Workers;
        Line(output, $"bench: family {family.Name}, {checkpoints.Count} checkpoint(s), {tasks.Count} task(s){(options.IncludeControls ? " with controls" : "")}"
            + (options.Limit is { } l ? $", first {l} examples each" : "") + $"; {Environment.ProcessorCount} core(s)");
        Line(output, $"naive: one request at a time, {threads} ONNX Runtime thread(s) per call; engine: {workers} worker(s), {Math.Max(1, Environment.ProcessorCount / workers)} thread(s) per call, token budget {options.Scorer.TokenBudget}");
        Line(output, $"machine: {CpuName()}; load average at start {LoadAverage()}");

        var peak = MatMulPeak.Measure(threads, peakTime, cancellationToken: cancellationToken);
        var best = peak.MaxBy(r => r.GigaflopsPerSecond)!;
        foreach (var rate in peak)
        {
            Line(output, F($"  matmul [{rate.M}×{rate.K}]·[{rate.K}×{rate.N}] fp32 through ONNX Runtime, {rate.Describe()}: {rate.GigaflopsPerSecond:F1} GFLOP/s (best of {rate.Runs} runs)"));
        }
        Line(output, F($"fp32 matmul peak of this process: {best.GigaflopsPerSecond:F1} GFLOP/s"));
        if (options.Device != Scoring.ExecutionDevice.Cpu) Line(output, $"models run on {options.Device.Name}; the peak above is the CPU's, so the \"of peak\" columns do not measure the device");
        Line(output, "");

        var results = new List<CheckpointComparison>();
        foreach (var checkpoint in checkpoints)
        {
            var watch = Stopwatch.StartNew();
            var result = AlgorithmComparison.Compare(checkpoint, tasks, options, family.ManifestPath, progress: null, cancellationToken);
            results.Add(result);
            Line(output, F($"{checkpoint.Name}: measured in {watch.Elapsed.TotalSeconds:F1} s (engine: {result.EngineAlgorithm})"));
        }
        Line(output, "");

        var header = $"{"checkpoint",-10} {"algorithm",-7} {"wall s",8} {"cpu s",8} {"tokens",10} {"tok/s",9} {"GFLOP",9} {"GFLOP/s",8} {"of peak",7}";
        Line(output, header);
        Line(output, new string('-', header.Length));
        var naiveTotal = AlgorithmMeasurement.Empty;
        var engineTotal = AlgorithmMeasurement.Empty;
        long minimum = 0;
        var agreement = Agreement.Empty;
        foreach (var result in results)
        {
            Row(output, result.Checkpoint, "naive", result.Naive, best);
            Row(output, "", "engine", result.Engine, best);
            naiveTotal = naiveTotal.Add(result.Naive);
            engineTotal = engineTotal.Add(result.Engine);
            minimum += result.MinimumTokens;
            agreement = agreement.Add(result.Agreement);
        }
        Line(output, new string('-', header.Length));
        Row(output, "all", "naive", naiveTotal, best);
        Row(output, "", "engine", engineTotal, best);
        Line(output, "");

        Line(output, F($"engine vs naive: {Ratio(naiveTotal.Wall, engineTotal.Wall):F2}× faster in wall time; {(double)naiveTotal.Statistics.Tokens / engineTotal.Statistics.Tokens:F2}× fewer tokens"));
        Line(output, F($"tokens run by the engine: {engineTotal.Statistics.Tokens:N0} = {(double)engineTotal.Statistics.Tokens / minimum:F3}× the minimum {minimum:N0} (each distinct context once + each continuation once); naive {(double)naiveTotal.Statistics.Tokens / minimum:F3}×"));
        foreach (var result in results)
        {
            Line(output, F($"  {result.Checkpoint}: engine {result.Engine.Statistics.Tokens:N0} tokens = {(double)result.Engine.Statistics.Tokens / result.MinimumTokens:F3}× minimum; {result.Engine.Statistics.Batches:N0} model calls, {result.Engine.Statistics.PaddedTokens:N0} padding slots; head at {result.Engine.Statistics.LogitPositions:N0} positions ({result.Engine.Statistics.FullHeadBatches:N0} calls with every position); {Ratio(result.Naive.Wall, result.Engine.Wall):F2}× faster"));
            foreach (var fallback in result.EngineFallbacks ?? []) Line(output, $"    {result.Checkpoint}: {Diagnostics.TextExcerpt.Escape(fallback, 240)}");
        }
        var largest = results.MaxBy(r => checkpoints.First(c => c.Name == r.Checkpoint).Manifest.NonEmbeddingParameters)!;
        Line(output, F($"largest checkpoint {largest.Checkpoint}: engine {largest.Engine.GigaflopsPerSecond:F1} GFLOP/s = {largest.Engine.GigaflopsPerSecond / best.GigaflopsPerSecond:P1} of the matmul peak"));
        CostLines(output, results, checkpoints, best);
        if (results.All(r => r.WarmCache is not null))
        {
            var warm = results.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.WarmCache!.Value);
            Line(output, F($"engine answering the same requests from the results cache ({options.Cache!.Directory}): {warm.TotalSeconds:F2} s"));
        }
        Line(output, "");

        var agrees = agreement.Within(Tolerance);
        Line(output, F($"agreement over {agreement.Requests:N0} requests and {agreement.Examples:N0} examples: max |Δ log p| per request {agreement.MaxRequestDifference:E2}, per example (loss, label mass, class log p) {agreement.MaxExampleDifference:E2}; greedy flags differing {agreement.GreedyMismatches}, predictions differing {agreement.PredictionMismatches}"));
        Line(output, agrees
            ? F($"the engine agrees with the naive algorithm within {Tolerance:E0}")
            : F($"DISAGREEMENT beyond {Tolerance:E0}; worst at {agreement.Worst}"));
        Line(output, "");
        Line(output, $"FLOPs: {largest.Flops.Describe()}; real tokens only (padding, norms, softmax and masked scores not counted).");
        Line(output, "wall s: time inside each algorithm's scoring calls (tokenization, shared by both, not counted); cpu s: the process's processor time in them (first run)"
            + (options.Repeats > 1 ? $"; each task set's shortest of {options.Repeats} runs." : "."));
        using var process = Process.GetCurrentProcess();
        Line(output, F($"peak resident memory: {process.PeakWorkingSet64 / 1048576.0:F0} MiB; total {total.Elapsed.TotalSeconds:F1} s; load average at end {LoadAverage()}"));
        return agrees ? 0 : 1;
    }

    private static void Row(TextWriter output, string checkpoint, string algorithm, AlgorithmMeasurement m, MatMulRate peak) =>
        Line(output, F($"{checkpoint,-10} {algorithm,-7} {m.Wall.TotalSeconds,8:F2} {m.Cpu.TotalSeconds,8:F2} {m.Statistics.Tokens,10:N0} {m.TokensPerSecond,9:N0} {m.Flops / 1e9,9:F1} {m.GigaflopsPerSecond,8:F1} {m.GigaflopsPerSecond / peak.GigaflopsPerSecond,7:P1}"));

    private static double Ratio(TimeSpan a, TimeSpan b) => b > TimeSpan.Zero ? a / b : 0;

    private static string F(FormattableString text) => text.ToString(Invariant);

    private static void Line(TextWriter output, string text) => output.WriteLine(text);

    private static string CpuName()
    {
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null) return model[(model.IndexOf(':') + 1)..].Trim() + $", {Environment.ProcessorCount} cores";
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
