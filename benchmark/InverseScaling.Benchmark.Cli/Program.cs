using System.CommandLine;
using InverseScaling.Benchmark.Cli;

// Ctrl+C or SIGTERM cancels the running command, which stops at the next batch and exits 130; after 10 s it is cut short.
return await InverseScalingCli.InvokeAsync(args, new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
