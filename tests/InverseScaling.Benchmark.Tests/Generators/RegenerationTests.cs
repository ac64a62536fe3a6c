using InverseScaling.Benchmark.Generators.Framework;

namespace InverseScaling.Benchmark.Tests.Generators;

/// <summary>The committed <c>tasks/</c> folders are exactly what the generators produce, and follow the quality rules.</summary>
public sealed class RegenerationTests
{
    public static TheoryData<string> GeneratorNames() => new(GeneratorCatalog.All.Select(g => g.Name));

    public static TheoryData<string> CommittedTasks() => CommittedTaskFolder.Names();

    [Theory]
    [MemberData(nameof(GeneratorNames))]
    public void Committed_files_equal_a_fresh_regeneration_byte_for_byte(string name)
    {
        var generator = GeneratorCatalog.All.Single(g => g.Name == name);
        var task = generator.Generate(GeneratorSources.Find(TestPaths.RepositoryRoot));

        var stale = TaskFolderWriter.Differences(task, TestPaths.Tasks);

        Assert.True(stale.Count == 0,
            $"{stale.Count} file(s) of tasks/{name} differ from what generator '{name}' produces now:\n  " +
            string.Join("\n  ", stale.Select(p => Path.GetRelativePath(TestPaths.RepositoryRoot, p))) +
            $"\nRewrite them from the repository root with: dotnet run --project benchmark/InverseScaling.Benchmark.Generators -- --only {name}" +
            "\nthen review the diff and commit the files with the generator change.");
    }

    [Fact]
    public void Every_generator_names_its_own_folder_and_every_generated_folder_has_a_generator()
    {
        var generators = GeneratorCatalog.All.Select(g => g.Name).ToList();
        Assert.Equal(generators.Count, generators.Distinct(StringComparer.Ordinal).Count());

        var orphans = CommittedTaskFolder.Names()
            .Select(row => row.Data)
            .Where(name => CommittedTaskFolder.ReadDefinition(name).Generator is not null && !generators.Contains(name))
            .ToList();
        Assert.True(orphans.Count == 0, $"tasks/ folders that name a generator the catalog lacks: {string.Join(", ", orphans)}");
    }

    [Theory]
    [MemberData(nameof(CommittedTasks))]
    public void Committed_task_follows_the_quality_rules(string name)
    {
        var problems = CommittedTaskFolder.QualityProblems(name);

        Assert.True(problems.Count == 0, $"tasks/{name} breaks {problems.Count} quality rule(s):\n  " + string.Join("\n  ", problems));
    }
}
