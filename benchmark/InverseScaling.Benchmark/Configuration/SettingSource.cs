using System.Reflection;

namespace InverseScaling.Benchmark.Configuration;

/// <summary>
/// Where settings are read from, with the folder their relative paths resolve against: the environment (the current
/// directory), or the <c>AssemblyMetadata</c> that the Gate package's build files compile into a test assembly (the project's
/// folder; the build files resolve paths already).
/// </summary>
public sealed class SettingSource
{
    /// <summary>Metadata key of the project file that set the properties (named in errors; its folder resolves relative paths).</summary>
    public const string ProjectKey = "InverseScalingProject";

    private readonly Func<SettingName, string?> _read;

    private SettingSource(string origin, string baseDirectory, Func<SettingName, string?> read)
    {
        Origin = origin;
        BaseDirectory = Path.GetFullPath(baseDirectory);
        _read = read;
    }

    /// <summary>What an error names as the value's origin: "environment", or the project file.</summary>
    public string Origin { get; }

    /// <summary>The folder relative paths resolve against.</summary>
    public string BaseDirectory { get; }

    /// <summary>True for the environment, whose settings are named by variable; false for a project's properties.</summary>
    public bool IsEnvironment { get; private init; }

    /// <summary>The process environment (or <paramref name="variables"/>), relative paths against <paramref name="currentDirectory"/>.</summary>
    public static SettingSource Environment(string? currentDirectory = null, Func<string, string?>? variables = null)
    {
        variables ??= System.Environment.GetEnvironmentVariable;
        return new SettingSource("environment", currentDirectory ?? Directory.GetCurrentDirectory(), s => variables(s.Variable)) { IsEnvironment = true };
    }

    /// <summary>The <c>AssemblyMetadata</c> of a test assembly, keyed by <see cref="SettingName.Property"/>.</summary>
    public static SettingSource AssemblyMetadata(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .GroupBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        return Properties(metadata, metadata.GetValueOrDefault(ProjectKey) is { Length: > 0 } project ? project : assembly.Location);
    }

    /// <summary>MSBuild-style properties set by <paramref name="projectFile"/>, keyed by <see cref="SettingName.Property"/>.</summary>
    public static SettingSource Properties(IReadOnlyDictionary<string, string?> properties, string projectFile)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectFile);
        var full = Path.GetFullPath(projectFile);
        return new SettingSource(full, Path.GetDirectoryName(full) ?? full, s => properties.GetValueOrDefault(s.Property));
    }

    /// <summary>The setting's raw value, or null when this source leaves it unset (missing or blank).</summary>
    public string? Read(SettingName setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return _read(setting) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }

    /// <summary>A path value as a full path without a trailing separator: relative values against <see cref="BaseDirectory"/>.</summary>
    public string Resolve(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path, BaseDirectory));

    /// <summary>The name the user wrote: the variable for the environment, the property for a project.</summary>
    public string NameOf(SettingName setting) => IsEnvironment ? setting.Variable : setting.Property;

    public override string ToString() => Origin;
}
