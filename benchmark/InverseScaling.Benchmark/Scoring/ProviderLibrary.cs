using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace InverseScaling.Benchmark.Scoring;

/// <summary>
/// What keeps an execution provider's library (<c>libonnxruntime_providers_cuda.so</c>, shipped beside ONNX Runtime) from
/// loading. ONNX Runtime's own exception says only "Failed to load shared library"; loading the file here gets the
/// dynamic loader's message, which names the first missing dependency (such as <c>libcublasLt.so.13</c>).
/// </summary>
internal static partial class ProviderLibrary
{
    /// <summary>"libX.so.N is missing (needed by …)", "… is not beside the suite", or null when the library loads.</summary>
    public static string? Problem(string provider)
    {
        var file = $"libonnxruntime_providers_{provider}.so";
        if (!OperatingSystem.IsLinux()) return null;
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file),
            Path.Combine(AppContext.BaseDirectory, file),
        };
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null) return $"{file} is not beside the suite (build it with -p:InverseScalingGpu=true)";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            var missing = MissingObject().Match(e.Message);
            return missing.Success ? $"{missing.Groups[1].Value} is missing (needed by {file})" : $"{file} does not load ({Onnx.OnnxModelFile.FirstLine(e.Message)})";
        }
    }

    [GeneratedRegex(@"([A-Za-z0-9_.+-]+\.so[0-9.]*): cannot open shared object file")]
    private static partial Regex MissingObject();
}
