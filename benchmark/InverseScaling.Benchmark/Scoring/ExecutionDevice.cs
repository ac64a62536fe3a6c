using InverseScaling.Benchmark.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// Where ONNX Runtime runs a model: <c>cpu</c> (the default), <c>cuda</c>, <c>tensorrt</c>, <c>rocm</c> or <c>dml</c>,
/// optionally with a device index (<c>cuda:1</c>). A provider other than the CPU needs ONNX Runtime's build for it in place
/// of the CPU package (for CUDA on Linux: build with <c>-p:InverseScalingGpu=true</c>, with CUDA 13 and cuDNN 9 on the host).
/// </summary>
public sealed record ExecutionDevice(string Name, string Provider, int DeviceId)
{
    public const string Option = "--device";

    public static ExecutionDevice Cpu { get; } = new("cpu", "CPUExecutionProvider", 0);

    private static readonly Dictionary<string, string> Providers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cpu"] = "CPUExecutionProvider",
        ["cuda"] = "CUDAExecutionProvider",
        ["tensorrt"] = "TensorrtExecutionProvider",
        ["rocm"] = "ROCMExecutionProvider",
        ["dml"] = "DmlExecutionProvider",
    };

    /// <summary>Parses <c>name</c> or <c>name:index</c>.</summary>
    /// <exception cref="BenchmarkInputException">An unknown name or a bad index.</exception>
    public static ExecutionDevice Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split(':');
        if (parts.Length > 2 || !Providers.TryGetValue(parts[0], out var provider))
            throw new BenchmarkInputException(value, "not a device this suite knows",
                $"use one of {string.Join(", ", Providers.Keys)}, optionally with a device index such as cuda:1", field: Option);
        var id = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out id) || id < 0))
            throw new BenchmarkInputException(value, $"'{parts[1]}' is not a device index", "give a whole number, zero or more, such as cuda:0", field: Option);
        return new ExecutionDevice(parts[0].ToLowerInvariant(), provider, id);
    }

    /// <summary>Throws unless this ONNX Runtime build offers the provider and its library loads (so a run fails before any work).</summary>
    /// <exception cref="BenchmarkInputException">The provider is not in <see cref="OrtEnv.GetAvailableProviders"/>, or a library it needs is missing.</exception>
    public ExecutionDevice RequireAvailable()
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        if (available.Contains(Provider, StringComparer.Ordinal))
        {
            if (Provider == Cpu.Provider || ProviderLibrary.Problem(Name) is not { } problem) return this;
            throw new BenchmarkInputException(Name, $"ONNX Runtime cannot start {Provider}: {problem}", StartFix, field: Option);
        }
        throw new BenchmarkInputException(Name, $"this ONNX Runtime build has no {Provider} (it offers {string.Join(", ", available)})",
            Name switch
            {
                "cuda" or "tensorrt" => "build the suite against ONNX Runtime's GPU build (Microsoft.ML.OnnxRuntime.Gpu.Linux): " +
                                        "dotnet build -c Release -p:InverseScalingGpu=true, with CUDA 13 and cuDNN 9 on the host " +
                                        "(see docs/performance.md); or run with --device cpu",
                _ => $"use an ONNX Runtime build that includes {Provider} in place of Microsoft.ML.OnnxRuntime, or run with --device cpu",
            },
            field: Option);
    }

    /// <summary>Puts the provider first on <paramref name="options"/>; ONNX Runtime falls back to the CPU for operators it lacks.</summary>
    /// <exception cref="BenchmarkInputException">The provider is missing or cannot start (driver or library not found).</exception>
    internal void AppendTo(SessionOptions options, string modelPath)
    {
        if (Provider == Cpu.Provider) return;
        RequireAvailable();
        var environment = OrtEnv.Instance();
        var logLevel = environment.EnvLogLevel;
        try
        {
            // ONNX Runtime logs a failed provider load to stderr itself; the error below says it once, in the suite's shape.
            environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            switch (Name)
            {
                case "cuda": options.AppendExecutionProvider_CUDA(DeviceId); break;
                case "tensorrt": options.AppendExecutionProvider_Tensorrt(DeviceId); break;
                case "rocm": options.AppendExecutionProvider_ROCm(DeviceId); break;
                case "dml": options.AppendExecutionProvider_DML(DeviceId); break;
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw CannotStart(modelPath, e);
        }
        finally
        {
            environment.EnvLogLevel = logLevel;
        }
    }

    /// <summary>
    /// The memory a model's keys and values stay in between calls: the device's own for CUDA, TensorRT and ROCm; null (the
    /// host) for the CPU and DirectML. The caller disposes it.
    /// </summary>
    internal OrtMemoryInfo? CreateDeviceMemory() => Name switch
    {
        "cuda" or "tensorrt" => new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, DeviceId, OrtMemType.Default),
        "rocm" => new OrtMemoryInfo(OrtMemoryInfo.allocatorHIP, OrtAllocatorType.DeviceAllocator, DeviceId, OrtMemType.Default),
        _ => null,
    };

    /// <summary>
    /// The provider was appended but failed when a session started on it (no driver, no device with this index): true where
    /// the runtime's message names the provider's libraries or device.
    /// </summary>
    internal bool FailedToStart(OnnxRuntimeException e) =>
        Provider != Cpu.Provider && (e.Message.Contains(Provider, StringComparison.Ordinal)
            || e.Message.Contains(Name, StringComparison.OrdinalIgnoreCase) || e.Message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("cannot open shared object", StringComparison.Ordinal));

    /// <summary>One line naming what the runtime could not find (the first line of its message) and what the provider needs.</summary>
    internal BenchmarkInputException CannotStart(string modelPath, Exception e) =>
        new(modelPath, $"ONNX Runtime cannot start {Provider} on device {DeviceId}: {ProviderLibrary.Problem(Name) ?? Onnx.OnnxModelFile.FirstLine(e.Message)}",
            StartFix, field: Option, inner: e);

    private string StartFix => Name is "cuda" or "tensorrt"
        ? $"install what ONNX Runtime {OrtEnv.Instance().GetVersionString()}'s CUDA build needs (CUDA 13: cudart, cuBLAS, cuRAND; cuDNN 9; an NVIDIA driver that nvidia-smi shows) on the library path (LD_LIBRARY_PATH), or run with --device cpu"
        : $"install the libraries {Provider} needs on the library path, or run with --device cpu";
}
