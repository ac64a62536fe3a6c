using System.CommandLine;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Cli.Options;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary><c>accept</c>: make received results the new baselines (<c>.received.json</c> → <c>.verified.json</c>).</summary>
internal static class AcceptCommand
{
    public static Command Create()
    {
        var family = new FamilyOption("Family name, or its family.json. Default: the reference family.");
        var task = new Option<string[]>("--task") { Description = "Task(s) whose received result to accept.", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Accept every received result of the family." };
        var allowLimited = new Option<bool>(BaselineStore.AllowLimitedOption)
        {
            Description = "Accept a result scored with --limit as the baseline (refused otherwise: it holds only the first examples).",
        };
        var gate = new GateOptions("accept");
        var root = new RootOption();

        var command = new Command("accept", "Accept received results as the new baselines (the one step after a deliberate change).")
        {
            family.Option, task, all, allowLimited, gate.Baselines, root.Option,
        };
        command.SetAction(parse => CommandErrors.Run(parse, () =>
        {
            var errors = new OptionErrors();
            var layout = root.Bind(parse, errors);
            var familyName = family.BindName(parse, layout, errors);
            var tasks = parse.GetValue(task) ?? [];
            foreach (var name in tasks.Where(t => !Baseline.IsValidName(t)))
                errors.Add(task.Name, name, "not a task name", "give the name of a task folder (letters, digits, '.', '_' and '-')");
            if (tasks.Length == 0 && !parse.GetValue(all))
                errors.Add("name the task(s) to accept with --task, or accept every received result with --all");
            var store = gate.Bind(parse, layout, errors).Baselines;
            errors.ThrowIfAny();

            var pending = parse.GetValue(all) ? store.ListReceived(familyName).Select(k => k.Task).ToList() : tasks.ToList();
            var limitedToo = parse.GetValue(allowLimited);
            // Every result is checked before any is accepted: a refused one leaves the baselines as they were.
            foreach (var name in pending) store.RequireAcceptable(familyName!, name, limitedToo);
            var output = parse.InvocationConfiguration.Output;
            if (pending.Count == 0) output.WriteLine($"nothing to accept: no received results under {Path.Combine(store.Root, familyName!)}");
            foreach (var name in pending)
            {
                // The summary and the per-example file are accepted each when received; say which.
                var accepted = new[]
                {
                    (Received: store.ReceivedPath(familyName!, name), Verified: store.VerifiedPath(familyName!, name)),
                    (Received: store.ReceivedExamplesPath(familyName!, name), Verified: store.VerifiedExamplesPath(familyName!, name)),
                }.Where(f => File.Exists(f.Received)).ToList();
                store.Accept(familyName!, name, limitedToo);
                foreach (var file in accepted) output.WriteLine($"accepted {file.Verified}");
            }
            return CommandErrors.Passed;
        }));
        return command;
    }
}
