using InverseScaling.Benchmark.Configuration;

namespace InverseScaling.Benchmark.Tests.Configuration;

/// <summary>Every setting is passed by the Gate package's build files and documented in the README's table.</summary>
public sealed class SettingNameTests
{
    [Fact]
    public void The_gate_build_files_compile_every_setting_into_the_test_assembly()
    {
        var targets = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot,
            "benchmark", "InverseScaling.Benchmark.Gate", "buildTransitive", "InverseScaling.Benchmark.Gate.targets"));

        Assert.All(SettingName.All, s => Assert.Contains($"<_Parameter1>{s.Property}</_Parameter1>", targets));
    }

    [Fact]
    public void The_readme_lists_every_setting_with_its_variable_in_order()
    {
        var rows = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "README.md"))
            .Select(line => line.Split(" | "))
            .Where(cells => cells.Length > 2 && cells[0].StartsWith("| `InverseScaling", StringComparison.Ordinal) && cells[1].StartsWith("`INVERSE_SCALING_", StringComparison.Ordinal))
            .Select(cells => cells[..2])
            .ToList();

        Assert.Equal(SettingName.All.Select(s => new[] { $"| `{s.Property}`", $"`{s.Variable}`" }), rows);
    }
}
