using System.Diagnostics;
using Google.Protobuf;
using InverseScaling.Benchmark.Onnx;
using InverseScaling.Benchmark.Randomness;
using Microsoft.ML.OnnxRuntime;
using DataType = InverseScaling.Benchmark.Onnx.Protobuf.TensorProto.Types.DataType;

namespace InverseScaling.Benchmark.Performance;

/// <summary>
/// One timed matrix product, [M, K] × [K, N] in float32: one call on <see cref="Threads"/> threads, or
/// <see cref="Calls"/> single-threaded calls at once (rate = their products over the slowest one's best time).
/// </summary>
public sealed record MatMulRate(int M, int K, int N, int Runs, TimeSpan Best, int Threads = 1, int Calls = 1)
{
    public double Flops => 2.0 * M * K * N * Calls;

    public double GigaflopsPerSecond => Flops / Best.TotalSeconds / 1e9;

    public string Describe() => Calls > 1
        ? $"{Calls} single-threaded calls at once"
        : $"one call on {Threads} thread{(Threads == 1 ? "" : "s")}";
}

/// <summary>
/// The fp32 matrix-multiply rate this process reaches, measured on the spot through ONNX Runtime itself: a MatMul-only
/// graph (the right operand a constant, as model weights are) run with the scorer's session settings, both as one call
/// on every thread and as one single-threaded call per thread at once. The best of the shapes and ways is the
/// machine's peak against which a scorer's GFLOP/s is read.
/// </summary>
public static class MatMulPeak
{
    /// <summary>Shapes tried: square, tall-skinny, and a narrow inner dimension (K = 128) that MLAS runs fastest here.</summary>
    public static IReadOnlyList<(int M, int K, int N)> DefaultShapes { get; } = [(1024, 1024, 1024), (2048, 512, 2048), (4096, 256, 1024), (1024, 128, 512)];

    /// <param name="threads">Threads, as the scorer runs: one call on all of them, and that many single-threaded calls at once.</param>
    /// <param name="timePerShape">Roughly how long to time each shape and way (after one warm-up run).</param>
    public static IReadOnlyList<MatMulRate> Measure(int threads, TimeSpan timePerShape, IReadOnlyList<(int M, int K, int N)>? shapes = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var rates = new List<MatMulRate>();
        foreach (var (m, k, n) in shapes ?? DefaultShapes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rates.Add(Time(m, k, n, threads, timePerShape, cancellationToken));
            if (threads > 1)
            {
                var calls = new MatMulRate[threads];
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken },
                    i => calls[i] = Time(m, k, n, 1, timePerShape, cancellationToken));
                var slowest = calls.MaxBy(c => c.Best)!;
                rates.Add(slowest with { Calls = threads, Runs = calls.Min(c => c.Runs) });
            }
        }
        return rates;
    }

    private static MatMulRate Time(int m, int k, int n, int threads, TimeSpan budget, CancellationToken cancellationToken)
    {
        var random = new SplitMix64(20240611);
        var a = new float[m * k];
        for (var i = 0; i < a.Length; i++) a[i] = Centered(ref random);
        var b = new float[k * n];
        for (var i = 0; i < b.Length; i++) b[i] = Centered(ref random);

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(MatMulModel(k, n, b), options);
        using var input = OrtValue.CreateTensorValueFromMemory(a, [m, k]);
        using var runOptions = new RunOptions();
        string[] inputNames = ["a"], outputNames = ["c"];
        OrtValue[] inputs = [input];

        session.Run(runOptions, inputNames, inputs, outputNames).Dispose();
        var best = TimeSpan.MaxValue;
        var runs = 0;
        var total = Stopwatch.StartNew();
        while (runs < 3 || total.Elapsed < budget)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            session.Run(runOptions, inputNames, inputs, outputNames).Dispose();
            var elapsed = watch.Elapsed;
            if (elapsed < best) best = elapsed;
            runs++;
        }
        return new MatMulRate(m, k, n, runs, best, threads);
    }

    /// <summary>A value in [−0.5, 0.5).</summary>
    private static float Centered(ref SplitMix64 random) => (float)((random.NextUInt64() >> 11) * (1.0 / (1UL << 53)) - 0.5);

    /// <summary>An ONNX model (protobuf) computing c = a · b with b a [K, N] initializer and a a [M, K] input (M dynamic).</summary>
    internal static byte[] MatMulModel(int k, int n, float[] b) =>
        new OnnxGraphBuilder("matmul-peak")
            .Input("a", DataType.Float, "m", k)
            .Initializer("b", b, k, n)
            .Node("MatMul", ["a", "b"], ["c"])
            .Output("c", DataType.Float, "m", n)
            .ToModel()
            .ToByteArray();
}
