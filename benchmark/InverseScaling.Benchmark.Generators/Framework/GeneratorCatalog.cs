namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>Every task generator in this assembly, found by reflection so adding one needs no registration.</summary>
public static class GeneratorCatalog
{
    public static IReadOnlyList<ITaskGenerator> All { get; } = typeof(GeneratorCatalog).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ITaskGenerator).IsAssignableFrom(t))
        .Select(t => (ITaskGenerator)Activator.CreateInstance(t)!)
        .OrderBy(g => g.Name, StringComparer.Ordinal)
        .ToList();
}
