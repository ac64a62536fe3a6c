using InverseScaling.Benchmark.Generators.Framework;

// isb-generate [--tasks-root DIR] [--only NAME]... [--check]
var tasksRoot = "tasks";
var only = new List<string>();
var check = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--tasks-root": tasksRoot = args[++i]; break;
        case "--only": only.Add(args[++i]); break;
        case "--check": check = true; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'. Usage: isb-generate [--tasks-root DIR] [--only NAME]... [--check]");
            return 2;
    }
}

var sources = GeneratorSources.Find(Directory.GetCurrentDirectory());
var generators = GeneratorCatalog.All.Where(g => only.Count == 0 || only.Contains(g.Name)).ToList();
var stale = 0;
foreach (var generator in generators)
{
    var task = generator.Generate(sources);
    if (check)
    {
        foreach (var path in TaskFolderWriter.Differences(task, tasksRoot))
        {
            Console.Error.WriteLine($"stale: {path}");
            stale++;
        }
    }
    else
    {
        TaskFolderWriter.Write(task, tasksRoot);
        Console.WriteLine($"{generator.Name}: {task.Rows.Count} examples, {task.Control.Count} controls");
    }
}
return stale == 0 ? 0 : 1;
