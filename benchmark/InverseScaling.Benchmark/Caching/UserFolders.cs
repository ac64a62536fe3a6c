namespace InverseScaling.Benchmark.Caching;

/// <summary>
/// The per-user folders outside any checkout: the results cache (<c>$XDG_CACHE_HOME/inverse-scaling</c>, else
/// <c>~/.cache/inverse-scaling</c>) and the signing key (<c>$INVERSE_SCALING_KEY</c>, else
/// <c>$XDG_CONFIG_HOME/inverse-scaling/key</c>, else <c>~/.config/inverse-scaling/key</c>). A checkout under test can
/// therefore neither ship a cache the suite reads by default nor the key that signs one.
/// </summary>
public static class UserFolders
{
    /// <summary>The variable that names the signing key's file.</summary>
    public const string KeyVariable = "INVERSE_SCALING_KEY";

    private const string Name = "inverse-scaling";

    /// <summary>The default results cache folder.</summary>
    /// <param name="environment">Reads an environment variable; default the process's.</param>
    public static string Cache(Func<string, string?>? environment = null) => Under(environment, "XDG_CACHE_HOME", ".cache");

    /// <summary>The file of the key that signs this user's cache and resume files.</summary>
    public static string KeyFile(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return environment(KeyVariable) is { Length: > 0 } path ? Path.GetFullPath(path) : Path.Combine(Under(environment, "XDG_CONFIG_HOME", ".config"), "key");
    }

    /// <summary><c>$variable/inverse-scaling</c> when the variable holds an absolute path (as the XDG spec requires), else <c>~/hidden/inverse-scaling</c>.</summary>
    private static string Under(Func<string, string?>? environment, string variable, string hidden)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(variable) is { Length: > 0 } folder && Path.IsPathFullyQualified(folder)) return Path.Combine(folder, Name);
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, hidden, Name);
    }
}
