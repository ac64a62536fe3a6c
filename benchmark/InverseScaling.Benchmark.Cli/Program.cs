using System.CommandLine;
using InverseScaling.Benchmark.Cli.Commands;

var root = new RootCommand("InverseScaling.Benchmark: score checkpoint families on the Inverse Scaling Prize tasks and gate their scaling against baselines.")
{
    RunCommand.Create(),
    AcceptCommand.Create(),
    ReportCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
