using System.CommandLine;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>accept</c>: make received results the new baselines (<c>.received.json</c> → <c>.verified.json</c>).</summary>
internal static class AcceptCommand
{
    public static Command Create()
    {
        var family = new Option<string?>("--family", "-f") { Description = "Family name, or its family.json. Default: the reference family." };
        var task = new Option<string[]>("--task") { Description = "Task(s) whose received result to accept.", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Accept every received result of the family." };
        var baselines = new Option<string?>("--baselines") { Description = "Baselines folder. Default: baselines/ of the checkout." };

        var command = new Command("accept", "Accept received results as the new baselines (the one step after a deliberate change).")
        {
            family, task, all, baselines,
        };
        command.SetAction(parse => CommandErrors.Run(parse, () =>
        {
            var layout = SuiteLayout.Find();
            var store = new BaselineStore(parse.GetValue(baselines) ?? layout.Baselines);
            var familyName = FamilyName(parse.GetValue(family) ?? layout.ReferenceFamily);
            var tasks = parse.GetValue(task) ?? [];
            if (tasks.Length == 0 && !parse.GetValue(all))
            {
                CommandErrors.WriteError(parse, "name the task(s) to accept with --task, or accept every received result with --all");
                return CommandErrors.InputError;
            }
            var accepted = parse.GetValue(all)
                ? store.AcceptAll(familyName).Select(k => k.Task).ToList()
                : tasks.Select(t => { store.Accept(familyName, t); return t; }).ToList();
            if (accepted.Count == 0) parse.InvocationConfiguration.Output.WriteLine($"nothing to accept: no received results under {Path.Combine(store.Root, familyName)}");
            foreach (var name in accepted) parse.InvocationConfiguration.Output.WriteLine($"accepted {store.VerifiedPath(familyName, name)}");
            return 0;
        }));
        return command;
    }

    /// <summary>A family's name: the argument itself, or the name inside the family.json it points to.</summary>
    private static string FamilyName(string value)
    {
        if (!value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(value)) return value;
        try
        {
            return FamilyLoader.Load(value, verifyHashes: false).Name;
        }
        catch (FileNotFoundException)
        {
            throw new BenchmarkInputException(value, "no such family manifest", "pass the family's name or the path of its family.json", field: "--family");
        }
    }
}
