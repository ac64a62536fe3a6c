using System.Security.Cryptography;

namespace InverseScaling.Benchmark.Evaluation;

/// <summary>Streamed sha256 of a file, lowercase hex.</summary>
public static class FileHash
{
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
