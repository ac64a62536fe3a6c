using System.Security.Cryptography;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Caching;

/// <summary>
/// The user's secret (32 random bytes, in <see cref="UserFolders.KeyFile"/>, made once with mode 0600) that signs every
/// results-cache file and every unit state file of a run folder with HMAC-SHA256. A file whose signature does not verify
/// was not written by this user (forged, copied, shipped in a pull request) and is not read.
/// </summary>
public sealed class SigningKey
{
    public const int Size = 32;

    private const string Fix = "delete the file; the next run makes a new key (what the old one signed is then scored again)";

    private readonly byte[] secret;

    /// <param name="secret">Exactly <see cref="Size"/> bytes.</param>
    public SigningKey(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != Size) throw new ArgumentException($"a signing key has {Size} bytes, not {secret.Length}", nameof(secret));
        this.secret = secret.ToArray();
    }

    /// <summary>The key in <see cref="UserFolders.KeyFile"/>, made there first when there is none.</summary>
    /// <exception cref="BenchmarkInputException">The file is not a key (another size, not a regular file) or cannot be made.</exception>
    public static SigningKey ForThisUser() => LoadOrCreate(UserFolders.KeyFile());

    /// <inheritdoc cref="ForThisUser"/>
    public static SigningKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) TryCreate(path);
        var bytes = InputFile.ReadAllBytes(path, Size, "the signing key", Fix);
        return bytes.Length == Size ? new SigningKey(bytes)
            : throw new BenchmarkInputException(path, $"the signing key has {bytes.Length} bytes, not {Size}", Fix);
    }

    /// <summary>HMAC-SHA256 of <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => HMACSHA256.HashData(secret, data);

    /// <summary>Whether <paramref name="signature"/> is this key's HMAC of <paramref name="data"/> (compared in constant time).</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, data, expected);
        return signature.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, signature);
    }

    /// <summary>Writes a fresh key beside <paramref name="path"/> and links it into place, so that of two processes making one at once both read the same.</summary>
    private static void TryCreate(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(folder, $".key.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(RandomNumberGenerator.GetBytes(Size));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: read theirs.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BenchmarkInputException(path, $"the signing key cannot be made: {TextExcerpt.Escape(e.Message, 200)}",
                $"make {folder} writable, or name a key file with {UserFolders.KeyVariable}", inner: e);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
