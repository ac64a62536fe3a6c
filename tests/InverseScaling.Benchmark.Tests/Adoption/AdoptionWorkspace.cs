using System.Security;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InverseScaling.Benchmark.Tests.Adoption;

/// <summary>
/// A temporary folder outside the checkout, laid out as a model team's machine: a local package feed, a template hive, a
/// NuGet packages folder of its own, a build folder, and the team's repository (<see cref="Repository"/>) with its own family
/// and nuget.config. Deleted on disposal.
/// </summary>
internal sealed class AdoptionWorkspace : IDisposable
{
    private AdoptionWorkspace(string root) => Root = root;

    public string Root { get; }

    public string Feed => Path.Combine(Root, "feed");

    public string Hive => Path.Combine(Root, "template-hive");

    public string Packages => Path.Combine(Root, "nuget-packages");

    public string Build => Path.Combine(Root, "build");

    /// <summary>The team's repository: family/, then what the template writes (gate/, .github/, .config/).</summary>
    public string Repository => Path.Combine(Root, "acme-models");

    public string Manifest => Path.Combine(Repository, "family", "family.json");

    public string Baselines => Path.Combine(Repository, "gate", "baselines");

    public static AdoptionWorkspace Create()
    {
        var root = Path.Combine(Path.GetTempPath(), "isb-adoption-" + Guid.NewGuid().ToString("N")[..12]);
        var workspace = new AdoptionWorkspace(root);
        foreach (var folder in new[] { workspace.Feed, workspace.Hive, workspace.Packages, workspace.Repository })
            Directory.CreateDirectory(folder);
        return workspace;
    }

    /// <summary>
    /// family/: copies of <paramref name="checkpoints"/> of the reference family (models and tokenizer) under the name
    /// <paramref name="name"/>, with a manifest listing only them.
    /// </summary>
    public void WriteFamily(string name, IReadOnlyCollection<string> checkpoints)
    {
        var source = TestPaths.ReferenceFamilyDirectory;
        var manifest = JsonNode.Parse(File.ReadAllText(TestPaths.ReferenceFamilyManifest))!.AsObject();
        manifest["name"] = name;
        manifest["description"] = $"{string.Join(", ", checkpoints)} of the reference family, as another team's family";
        var kept = manifest["checkpoints"]!.AsArray().Where(c => checkpoints.Contains((string)c!["name"]!)).Select(c => c!.DeepClone()).ToArray();
        manifest["checkpoints"] = new JsonArray(kept);
        foreach (var file in kept.SelectMany(c => c!["files"]!.AsObject()).Select(f => (string)f.Value!["path"]!).Distinct())
        {
            var target = Path.Combine(Path.GetDirectoryName(Manifest)!, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(source, file), target);
        }
        File.WriteAllText(Manifest, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>A regressed family: the manifest's <paramref name="target"/> runs <paramref name="source"/>'s model files (paths and sha256s).</summary>
    public void ReplaceCheckpointModels(string target, string source)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Manifest))!.AsObject();
        var checkpoints = manifest["checkpoints"]!.AsArray();
        var (from, to) = (checkpoints.Single(c => (string)c!["name"]! == source)!["files"]!, checkpoints.Single(c => (string)c!["name"]! == target)!["files"]!);
        foreach (var kind in new[] { "onnx", "onnxWithPast" }) to[kind] = from[kind]!.DeepClone();
        File.WriteAllText(Manifest, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>The repository's nuget.config: the local feed, then <paramref name="sources"/>; packages already on the machine come from <paramref name="machinePackages"/>.</summary>
    public void WriteNuGetConfig(IReadOnlyList<string> sources, string machinePackages)
    {
        var lines = new List<string> { "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "  <packageSources>", "    <clear />" };
        lines.Add($"    <add key=\"local\" value=\"{SecurityElement.Escape(Feed)}\" />");
        lines.AddRange(sources.Select((s, i) => $"    <add key=\"machine-{i}\" value=\"{SecurityElement.Escape(s)}\" />"));
        lines.AddRange(["  </packageSources>", "  <fallbackPackageFolders>", $"    <add key=\"machine\" value=\"{SecurityElement.Escape(machinePackages)}\" />",
            "  </fallbackPackageFolders>", "</configuration>"]);
        File.WriteAllText(Path.Combine(Repository, "nuget.config"), string.Join("\n", lines) + "\n");
    }

    public void Dispose()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 3)
            {
                Thread.Sleep(500);
            }
        }
    }
}
