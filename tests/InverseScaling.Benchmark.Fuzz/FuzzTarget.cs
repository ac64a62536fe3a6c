namespace InverseScaling.Benchmark.Fuzz;

/// <summary>
/// One reader under fuzzing: the file name a mutated input is written to (inside a work folder set up once), the seed
/// files mutations start from, and what reading it means. Reading must end in a result or a
/// <see cref="Diagnostics.BenchmarkInputException"/>; anything else is a finding.
/// </summary>
/// <param name="Prepare">Sets up the work folder once (files the input sits beside).</param>
/// <param name="Read">Reads the file at the given path the way the suite does.</param>
public sealed record FuzzTarget(string Name, string FileName, IReadOnlyList<byte[]> Seeds, Action<string> Prepare, Action<string> Read)
{
    public override string ToString() => Name;
}
