using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Scoring;

public sealed class ExecutionDeviceTests
{
    [Theory]
    [InlineData("cpu", "CPUExecutionProvider", 0)]
    [InlineData("cuda", "CUDAExecutionProvider", 0)]
    [InlineData("CUDA:1", "CUDAExecutionProvider", 1)]
    [InlineData("tensorrt:2", "TensorrtExecutionProvider", 2)]
    [InlineData("rocm", "ROCMExecutionProvider", 0)]
    [InlineData("dml", "DmlExecutionProvider", 0)]
    public void A_device_names_its_execution_provider_and_index(string value, string provider, int id)
    {
        var device = ExecutionDevice.Parse(value);

        Assert.Equal((value.Split(':')[0].ToLowerInvariant(), provider, id), (device.Name, device.Provider, device.DeviceId));
    }

    [Theory]
    [InlineData("gpu", "gpu (--device): not a device this suite knows. Fix: use one of cpu, cuda, tensorrt, rocm, dml, optionally with a device index such as cuda:1")]
    [InlineData("cuda:x", "cuda:x (--device): 'x' is not a device index. Fix: give a whole number, zero or more, such as cuda:0")]
    [InlineData("cuda:-1", "cuda:-1 (--device): '-1' is not a device index. Fix: give a whole number, zero or more, such as cuda:0")]
    [InlineData("cuda:0:1", "cuda:0:1 (--device): not a device this suite knows. Fix: use one of cpu, cuda, tensorrt, rocm, dml, optionally with a device index such as cuda:1")]
    public void An_unknown_device_is_refused_with_the_choices(string value, string message)
    {
        var error = Assert.Throws<BenchmarkInputException>(() => ExecutionDevice.Parse(value));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_cpu_package_offers_the_cpu()
    {
        Assert.Same(ExecutionDevice.Cpu, ExecutionDevice.Cpu.RequireAvailable());
    }

    [Fact]
    public void Cuda_on_the_cpu_package_says_which_package_to_swap_in()
    {
        // The suite references Microsoft.ML.OnnxRuntime (CPU only): GetAvailableProviders() lists CPUExecutionProvider alone.
        Assert.SkipWhen(GpuBuild, "this is the GPU build (-p:InverseScalingGpu=true): the next test covers it");
        var error = Assert.Throws<BenchmarkInputException>(() => ExecutionDevice.Parse("cuda").RequireAvailable());

        Assert.Equal(
            "cuda (--device): this ONNX Runtime build has no CUDAExecutionProvider (it offers CPUExecutionProvider). " +
            "Fix: build the suite against ONNX Runtime's GPU build (Microsoft.ML.OnnxRuntime.Gpu.Linux): dotnet build -c Release -p:InverseScalingGpu=true, " +
            "with CUDA 13 and cuDNN 9 on the host (see docs/performance.md); or run with --device cpu",
            error.Message);
    }

    [Theory]
    [InlineData("cuda:1", "Cuda", 1)]
    [InlineData("tensorrt", "Cuda", 0)]
    [InlineData("rocm:2", "Hip", 2)]
    public void Keys_and_values_stay_in_the_devices_own_memory(string device, string allocator, int id)
    {
        using var memory = ExecutionDevice.Parse(device).CreateDeviceMemory();

        Assert.NotNull(memory);
        Assert.Equal(allocator, memory.Name);
        Assert.Equal(id, memory.Id);
        Assert.Equal(Microsoft.ML.OnnxRuntime.OrtAllocatorType.DeviceAllocator, memory.GetAllocatorType());
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("dml")]
    public void On_the_cpu_and_directml_keys_and_values_stay_on_the_host(string device)
    {
        Assert.Null(ExecutionDevice.Parse(device).CreateDeviceMemory());
        var options = new OnnxModelOptions(4, 16) { Device = ExecutionDevice.Parse(device), GatherLogits = true };
        Assert.Equal(device != "cpu", options.ScoresTargetsInModel);
        Assert.Equal(device != "cpu", options.GathersCacheRowsInModel);
        Assert.False((options with { GatherLogits = false }).ScoresTargetsInModel);
    }

    [Fact]
    public void Cuda_on_the_gpu_package_without_cuda_names_the_first_missing_library()
    {
        Assert.SkipUnless(GpuBuild, "this is the CPU build; build with -p:InverseScalingGpu=true to run this test");
        Assert.SkipWhen(ProviderLibrary.Problem("cuda") is null, "CUDA's libraries load on this machine");

        var error = Assert.Throws<BenchmarkInputException>(() => ExecutionDevice.Parse("cuda").RequireAvailable());

        Assert.Matches(@"^cuda \(--device\): ONNX Runtime cannot start CUDAExecutionProvider: lib[\w.+-]+\.so[.\d]* is missing \(needed by libonnxruntime_providers_cuda\.so\)\. Fix: install ", error.Message);
    }

    private static bool GpuBuild => Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
}
