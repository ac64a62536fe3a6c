using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Configuration;

namespace InverseScaling.Benchmark.Tests.Configuration;

/// <summary>Where commands write: under the root given or the current directory, the checkout's own folders only inside it.</summary>
public sealed class WorkspaceTests
{
    [Fact]
    public void A_root_outside_the_checkout_holds_outputs_baselines_and_cache_and_has_no_default_family()
    {
        var root = TestPaths.NewTempDirectory();
        var bundled = Directory.CreateDirectory(Path.Combine(TestPaths.NewTempDirectory(), "tasks")).FullName;

        var workspace = Workspace.Find(root, bundled);

        Assert.False(workspace.IsSuiteCheckout);
        Assert.Equal(root, workspace.Root);
        Assert.Equal(bundled, workspace.Tasks);
        Assert.Null(workspace.ReferenceFamily);
        Assert.Equal(Path.Combine(root, "out", "acme"), workspace.Output("acme"));
        Assert.Equal(Path.Combine(root, "baselines"), workspace.Baselines);
        Assert.Equal(InverseScaling.Benchmark.Caching.UserFolders.Cache(), workspace.Cache);
        Assert.False(workspace.Cache.StartsWith(root, StringComparison.Ordinal), workspace.Cache);
        Assert.False(workspace.OpenBaselines().IsSuiteCheckout);
    }

    [Fact]
    public void The_checkout_has_its_own_tasks_reference_family_and_messages_from_its_root()
    {
        var root = Path.TrimEndingDirectorySeparator(TestPaths.RepositoryRoot);

        var workspace = Workspace.Find(root);

        Assert.True(workspace.IsSuiteCheckout);
        Assert.Equal(Path.Combine(root, "tasks"), workspace.Tasks);
        Assert.Equal(TestPaths.ReferenceFamilyManifest, workspace.ReferenceFamily);
        Assert.True(workspace.OpenBaselines().IsSuiteCheckout);
        Assert.False(workspace.OpenBaselines(TestPaths.NewTempDirectory()).IsSuiteCheckout);
        Assert.True(Workspace.IsSuiteBaselines(TestPaths.Baselines + Path.DirectorySeparatorChar));
    }

    [Fact]
    public void Accept_instructions_name_the_checkout_command_or_the_folder_and_the_tool()
    {
        var folder = Path.Combine(Path.GetTempPath(), "team repo", "baselines");

        var checkout = new BaselineStore(TestPaths.Baselines, isSuiteCheckout: true).Instructions("reference", "neqa");
        var team = new BaselineStore(folder).Instructions("acme", "neqa");

        Assert.Equal(new AcceptInstructions("baselines/reference/neqa.received.json",
            "dotnet run --project benchmark/InverseScaling.Benchmark.Cli -- accept --family reference --task neqa"), checkout);
        Assert.Equal(new AcceptInstructions(Path.Combine(folder, "acme", "neqa.received.json"),
            $"dotnet inverse-scaling accept --baselines '{folder}' --family acme --task neqa"), team);
    }
}
