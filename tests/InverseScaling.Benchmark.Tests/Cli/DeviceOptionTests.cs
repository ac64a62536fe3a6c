using CliRunner = InverseScaling.Benchmark.Tests.Reliability.Cli;

namespace InverseScaling.Benchmark.Tests.Cli;

/// <summary><c>--device cuda</c> with the CPU build: one error line naming the GPU build and how to build it, exit code 2, before any work.</summary>
public sealed class DeviceOptionTests
{
    private const string CpuBuildError =
        "error: {0} (--device): this ONNX Runtime build has no CUDAExecutionProvider (it offers CPUExecutionProvider). " +
        "Fix: build the suite against ONNX Runtime's GPU build (Microsoft.ML.OnnxRuntime.Gpu.Linux): dotnet build -c Release -p:InverseScalingGpu=true, " +
        "with CUDA 13 and cuDNN 9 on the host (see docs/performance.md); or run with --device cpu";

    [Theory]
    [InlineData("run", "cuda")]
    [InlineData("bench", "cuda:1")]
    public async Task Cuda_with_the_cpu_build_is_one_error_line_and_exit_code_2(string command, string device)
    {
        string[] args = command == "bench"
            ? ["bench", "--synthetic", "--sizes", "tiny", "--tasks", Path.Combine(TestPaths.Tasks, "neqa"), "--device", device, "--root", TestPaths.NewTempDirectory()]
            : ["run", "--tasks", "neqa", "--device", device, "--out", Path.Combine(TestPaths.NewTempDirectory(), "out")];

        var result = await CliRunner.RunInProcessAsync(args, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Equal([string.Format(System.Globalization.CultureInfo.InvariantCulture, CpuBuildError, "cuda")], result.ErrorLines);
    }
}
