using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Caching;

namespace InverseScaling.Benchmark.Configuration;

/// <summary>
/// The folder a command works in, and what it uses there by default: outputs (<c>out/&lt;family&gt;</c>) and baselines and their
/// received files (<c>baselines/</c>) go under <see cref="Root"/>, never into the tool's package; the results cache is the
/// user's own (<see cref="UserFolders.Cache"/>), outside any checkout. The root is the folder given (<c>--root</c>) or the current directory. Inside a checkout of the suite (a
/// folder above holding <see cref="SolutionFile"/>) it is the checkout's root, with the checkout's tasks and reference family;
/// elsewhere the tasks are the ones bundled with the tool and a family must be named.
/// </summary>
public sealed record Workspace
{
    /// <summary>The file that marks a checkout of the suite.</summary>
    public const string SolutionFile = "InverseScaling.Benchmark.sln";

    /// <summary>The folder outputs, baselines and the cache go under.</summary>
    public required string Root { get; init; }

    /// <summary>Whether <see cref="Root"/> is a checkout of the suite.</summary>
    public bool IsSuiteCheckout { get; init; }

    /// <summary>The folder of task folders: the checkout's <c>tasks/</c>, else the tasks bundled with the tool.</summary>
    public required string Tasks { get; init; }

    public string Baselines => Path.Combine(Root, "baselines");

    /// <summary>The default results cache: per user, outside the checkout (<see cref="UserFolders.Cache"/>).</summary>
    public string Cache { get; init; } = UserFolders.Cache();

    /// <summary>The bundled reference family in a checkout of the suite; null elsewhere.</summary>
    public string? ReferenceFamily => IsSuiteCheckout ? Path.Combine(Root, "benchmark", "reference-family", "family.json") : null;

    /// <summary>The default output folder of a run of <paramref name="name"/> (a family, or a family's shard).</summary>
    public string Output(string name) => Path.Combine(Root, "out", name);

    /// <summary>The baselines in <paramref name="folder"/> (default <see cref="Baselines"/>), with the messages that suit it.</summary>
    public BaselineStore OpenBaselines(string? folder = null)
    {
        var full = Path.GetFullPath(folder ?? Baselines);
        return new BaselineStore(full, IsSuiteBaselines(full));
    }

    /// <param name="root">The folder given (<c>--root</c>); null for the current directory or the checkout around it.</param>
    /// <param name="bundledTasks">The tasks bundled with the tool; default <c>tasks/</c> beside the running assembly.</param>
    public static Workspace Find(string? root = null, string? bundledTasks = null)
    {
        var folder = root is null ? CheckoutAround(Directory.GetCurrentDirectory()) : Path.GetFullPath(root);
        var checkout = folder is not null && IsCheckout(folder);
        folder ??= Directory.GetCurrentDirectory();
        var bundled = bundledTasks ?? Path.Combine(AppContext.BaseDirectory, "tasks");
        return new Workspace
        {
            Root = Path.TrimEndingDirectorySeparator(folder),
            IsSuiteCheckout = checkout,
            Tasks = checkout || !Directory.Exists(bundled) ? Path.Combine(folder, "tasks") : bundled,
        };
    }

    /// <summary>Whether <paramref name="folder"/> is the <c>baselines/</c> folder of a checkout of the suite.</summary>
    public static bool IsSuiteBaselines(string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return Path.GetFileName(full) == "baselines" && Path.GetDirectoryName(full) is { } parent && IsCheckout(parent);
    }

    private static bool IsCheckout(string folder) => File.Exists(Path.Combine(folder, SolutionFile));

    private static string? CheckoutAround(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (IsCheckout(dir.FullName)) return dir.FullName;
        }
        return null;
    }
}
