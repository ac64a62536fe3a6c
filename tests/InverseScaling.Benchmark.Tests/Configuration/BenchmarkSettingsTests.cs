using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Scaling;

namespace InverseScaling.Benchmark.Tests.Configuration;

/// <summary>Settings from the environment over a project's properties over the defaults, paths resolved where they were set.</summary>
public sealed class BenchmarkSettingsTests
{
    private static readonly string Project = Path.Combine(Path.GetTempPath(), "team", "gate", "Gate.csproj");
    private static readonly string Shell = Path.Combine(Path.GetTempPath(), "team");
    private static readonly SettingDefaults Defaults = new() { Baselines = "/defaults/baselines", TaskFolders = ["/defaults/tasks"] };

    private static SettingSource Environment(params (string Name, string Value)[] variables) =>
        SettingSource.Environment(Shell, name => variables.FirstOrDefault(v => v.Name == name).Value);

    private static SettingSource Properties(params (string Name, string Value)[] properties) =>
        SettingSource.Properties(properties.ToDictionary(p => p.Name, p => (string?)p.Value), Project);

    [Fact]
    public void Nothing_set_gives_the_defaults_with_the_cache_off()
    {
        var settings = BenchmarkSettings.Resolve(Defaults, Environment(), Properties());

        Assert.Null(settings.FamilyManifest);
        Assert.Equal("/defaults/baselines", settings.Baselines);
        Assert.Equal(["/defaults/tasks"], settings.TaskFolders);
        Assert.Equal(GateTolerances.Default, settings.Tolerances);
        Assert.Equal(SizeMeasure.NonEmbeddingParameters, settings.SizeMeasure);
        Assert.Null(settings.Cache);
    }

    [Fact]
    public void Properties_resolve_against_the_project_folder_and_variables_against_the_folder_dotnet_test_ran_from()
    {
        var settings = BenchmarkSettings.Resolve(Defaults,
            Environment(("INVERSE_SCALING_BASELINES", "ci/baselines")),
            Properties(("InverseScalingFamily", "../models/family.json"), ("InverseScalingBaselines", "baselines"), ("InverseScalingCache", "cache")));

        Assert.Equal(Path.Combine(Shell, "models", "family.json"), settings.FamilyManifest);
        Assert.Equal(Path.Combine(Shell, "ci", "baselines"), settings.Baselines);
        Assert.Equal(Path.Combine(Shell, "gate", "cache"), settings.Cache);
    }

    [Fact]
    public void The_environment_wins_over_the_project_and_off_turns_the_cache_off()
    {
        var settings = BenchmarkSettings.Resolve(Defaults with { Cache = "/defaults/cache" },
            Environment(("INVERSE_SCALING_SLOPE_TOLERANCE", "0.05"), ("INVERSE_SCALING_CACHE", "OFF"), ("INVERSE_SCALING_SIZE_MEASURE", "training-flops")),
            Properties(("InverseScalingSlopeTolerance", "0.02"), ("InverseScalingCheckpointTolerance", "3"), ("InverseScalingCache", "cache"),
                ("InverseScalingSizeMeasure", "non-embedding-parameters")));

        Assert.Equal(0.05, settings.Tolerances.MinimumSlope);
        Assert.Equal(3.0, settings.Tolerances.CheckpointStandardErrors);
        Assert.Null(settings.Cache);
        Assert.Equal(SizeMeasure.TrainingFlops, settings.SizeMeasure);
    }

    [Fact]
    public void Task_folders_are_a_path_list_in_order_without_repeats()
    {
        var list = string.Join(Path.PathSeparator, "/suite/tasks", "own", "/suite/tasks/");

        var settings = BenchmarkSettings.Resolve(Defaults, Environment(), Properties(("InverseScalingTasks", list)));

        Assert.Equal(["/suite/tasks", Path.Combine(Shell, "gate", "own")], settings.TaskFolders);
    }

    [Fact]
    public void A_malformed_value_names_its_variable_or_property_and_the_fix()
    {
        var fromEnvironment = Assert.Throws<BenchmarkInputException>(() =>
            BenchmarkSettings.Resolve(Defaults, Environment(("INVERSE_SCALING_CHECKPOINT_TOLERANCE", "-1")), Properties()));
        var fromProject = Assert.Throws<BenchmarkInputException>(() =>
            BenchmarkSettings.Resolve(Defaults, Environment(), Properties(("InverseScalingSizeMeasure", "tokens"))));

        Assert.Equal("environment (INVERSE_SCALING_CHECKPOINT_TOLERANCE): INVERSE_SCALING_CHECKPOINT_TOLERANCE is \"-1\", not a number zero or more. " +
            "Fix: set INVERSE_SCALING_CHECKPOINT_TOLERANCE to a plain number such as 0.02, or leave it unset for the default", fromEnvironment.Message);
        Assert.Equal($"{Project} (InverseScalingSizeMeasure): InverseScalingSizeMeasure is \"tokens\", not a size measure this suite knows. " +
            "Fix: set InverseScalingSizeMeasure to non-embedding-parameters or training-flops", fromProject.Message);
    }

    [Fact]
    public void Without_a_baselines_folder_anywhere_the_error_says_where_to_set_one()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => BenchmarkSettings.Resolve(new SettingDefaults { TaskFolders = ["/t"] }, Environment(), Properties()));

        Assert.Equal("InverseScalingBaselines", error.Field);
        Assert.Contains("INVERSE_SCALING_BASELINES", error.Fix);
    }

    [Fact]
    public void Tasks_come_from_folders_of_tasks_and_single_task_folders_and_a_name_twice_is_an_error()
    {
        var own = TestPaths.NewTempDirectory();
        CopyTask("neqa", Path.Combine(own, "neqa"));
        var settings = BenchmarkSettings.Resolve(Defaults with { TaskFolders = [TestPaths.Tasks] }, Environment(), Properties());
        var single = settings with { TaskFolders = [Path.Combine(TestPaths.Tasks, "sig-figs"), Path.Combine(TestPaths.Tasks, "neqa")] };

        Assert.Equal(11, settings.DiscoverTasks().Count);
        Assert.Equal(["neqa", "sig-figs"], single.DiscoverTasks().Select(t => t.Name));
        var twice = Assert.Throws<BenchmarkInputException>(() => (settings with { TaskFolders = [TestPaths.Tasks, own] }).DiscoverTasks());
        Assert.Equal(Path.Combine(own, "neqa"), twice.File);
        Assert.Contains($"a task named 'neqa' is also in {Path.Combine(TestPaths.Tasks, "neqa")}", twice.Message);
    }

    [Fact]
    public void The_suite_test_assembly_gets_the_gate_settings_from_the_Gate_build_files()
    {
        var metadata = SettingSource.AssemblyMetadata(typeof(BenchmarkSettingsTests).Assembly);

        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "tests", "InverseScaling.Benchmark.Tests", "InverseScaling.Benchmark.Tests.csproj"), metadata.Origin);
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "baselines") + Path.DirectorySeparatorChar, metadata.Read(SettingName.Baselines));
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "tasks") + Path.DirectorySeparatorChar, metadata.Read(SettingName.Tasks));
        Assert.EndsWith("family.json", metadata.Read(SettingName.Family));
        Assert.Null(metadata.Read(SettingName.Cache));
    }

    private static void CopyTask(string name, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Tasks, name))) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }
}
