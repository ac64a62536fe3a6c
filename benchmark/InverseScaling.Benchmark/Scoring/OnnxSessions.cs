using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>ONNX Runtime sessions as the scorer runs them: opened with its settings on the chosen device, run with cancellation.</summary>
internal static class OnnxSessions
{
    /// <summary>Opens <paramref name="path"/>; <paramref name="field"/> is the manifest field that named it, for messages.</summary>
    /// <exception cref="BenchmarkInputException">ONNX Runtime cannot load the file, or the device cannot start.</exception>
    public static InferenceSession Open(string path, OnnxModelOptions options, string field)
    {
        using var sessionOptions = Settings(path, options);
        return Load(path, options, field, () => new InferenceSession(path, sessionOptions));
    }

    /// <summary>
    /// Opens a model derived from <paramref name="path"/>, held in memory as <paramref name="model"/>; its external data,
    /// if any, is read from the folder of <paramref name="path"/>.
    /// </summary>
    /// <exception cref="BenchmarkInputException">ONNX Runtime cannot load the model, or the device cannot start.</exception>
    public static InferenceSession Open(byte[] model, string path, OnnxModelOptions options, string field)
    {
        using var sessionOptions = Settings(path, options);
        sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetDirectoryName(Path.GetFullPath(path))!);
        return Load(path, options, field, () => new InferenceSession(model, sessionOptions));
    }

    private static SessionOptions Settings(string path, OnnxModelOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads ?? Environment.ProcessorCount,
            InterOpNumThreads = 1,
            EnableCpuMemArena = true,
            // Off: shapes change from call to call (lengths, chunks), and planning a pattern per shape cost 3-4% on ref-793k.
            EnableMemoryPattern = false,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.Device.AppendTo(sessionOptions, path);
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private static InferenceSession Load(string path, OnnxModelOptions options, string field, Func<InferenceSession> load)
    {
        try
        {
            return load();
        }
        catch (OnnxRuntimeException e) when (options.Device.FailedToStart(e))
        {
            throw options.Device.CannotStart(path, e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BenchmarkInputException(path,
                $"ONNX Runtime cannot load the file as an ONNX model ({OnnxModelFile.FirstLine(e.Message)})",
                $"export the checkpoint to ONNX (for example with torch.onnx.export or optimum-cli export onnx) and point files.{field}.path at the .onnx file",
                inner: e);
        }
    }

    /// <summary>One run; cancelling <paramref name="cancellationToken"/> terminates it and throws <see cref="OperationCanceledException"/>.</summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, IReadOnlyCollection<string> names, IReadOnlyCollection<OrtValue> values,
        IReadOnlyCollection<string> fetch, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            return session.Run(runOptions, names, values, fetch);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>One run on the inputs and outputs bound to <paramref name="binding"/>; the outputs in the order they were bound.</summary>
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, OrtIoBinding binding, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            binding.SynchronizeBoundInputs();
            var outputs = session.RunWithBoundResults(runOptions, binding);
            binding.SynchronizeBoundOutputs();
            return outputs;
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
