using System.Text;

namespace InverseScaling.Benchmark.Tests.Tasks;

/// <summary>Writes test inputs with exact bytes into a fresh temp folder.</summary>
internal static class TempFile
{
    public static string Write(string name, string content) => WriteBytes(name, new UTF8Encoding(false).GetBytes(content));

    public static string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }
}
