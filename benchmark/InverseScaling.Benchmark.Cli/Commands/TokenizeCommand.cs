using System.CommandLine;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Configuration;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// <c>tokenize</c>: token ids as the suite computes them, without special tokens, for texts (<c>--tokenizer</c> with
/// <c>--input</c> or <c>--text</c>) or for a task's requests on a checkpoint (<c>--checkpoint</c>, <c>--task</c>).
/// </summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = $"A tokenizer.json, vocab.json (merges.txt beside it), tokenizer.model, *.tiktoken file, or a tiktoken encoding ({string.Join(", ", TiktokenEncoding.Names)}).",
        };
        var input = new Option<string?>("--input", "-i") { Description = "A .jsonl file of one JSON string per line; writes one JSON array of ids per line." };
        var text = new Option<string?>("--text") { Description = "One text; writes its ids as one JSON array." };
        var family = new FamilyOption("With --checkpoint and --task: the family.json (or its folder). Default: the bundled reference family.");
        var checkpoint = new Option<string?>("--checkpoint", "-c") { Description = "The checkpoint whose tokenizer, BOS policy and context length encode the task's requests." };
        var task = new Option<string?>("--task", "-t") { Description = "A task name (folder under tasks/), task folder or official data file; writes each request's context and continuation ids." };
        var control = new Option<bool>("--control") { Description = "With --task: the task's control set instead of its data." };

        var command = new Command("tokenize", "Print token ids exactly as the suite computes them (no special tokens added): of texts, or of each request of a task on a checkpoint.")
        {
            tokenizer, input, text, family.Option, checkpoint, task, control,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(CommandErrors.Run(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(checkpoint) is { } checkpointName)
            {
                if (parse.GetValue(task) is not { } taskName) return Usage(parse, "--checkpoint needs --task");
                if (parse.GetValue(tokenizer) is not null || parse.GetValue(input) is not null || parse.GetValue(text) is not null)
                    return Usage(parse, "give either --tokenizer with --input or --text, or --checkpoint with --task");
                WriteRequests(parse.GetValue(family.Option), checkpointName, taskName, parse.GetValue(control), output, cancellationToken);
                return 0;
            }
            if (parse.GetValue(task) is not null) return Usage(parse, "--task needs --checkpoint");
            if (parse.GetValue(tokenizer) is not { } tokenizerPath) return Usage(parse, "give --tokenizer with --input or --text, or --checkpoint with --task");
            var (inputPath, single) = (parse.GetValue(input), parse.GetValue(text));
            if ((inputPath is null) == (single is null)) return Usage(parse, "give one of --input or --text with --tokenizer");
            var loaded = TokenizerFactory.FromPath(tokenizerPath);
            if (single is not null) TokenIdListing.WriteText(loaded, single, output);
            else TokenIdListing.WriteTexts(loaded, inputPath!, output, cancellationToken);
            return 0;
        })));
        return command;
    }

    private static void WriteRequests(string? familyPath, string checkpointName, string taskName, bool control, TextWriter output, CancellationToken cancellationToken)
    {
        var layout = Workspace.Find();
        familyPath ??= layout.ReferenceFamily ?? throw new BenchmarkInputException("--family", "no family given, and only a checkout of the suite has a default one",
            "give --family path/to/family.json", field: "--family");
        // Only the tokenizer files are read (and hashed); the checkpoints' models need not be present.
        var family = FamilyLoader.Load(familyPath, cancellationToken: cancellationToken, modelsOf: _ => false);
        var checkpoint = family.Checkpoints.FirstOrDefault(c => c.Name == checkpointName) ?? throw new BenchmarkInputException(family.ManifestPath,
            $"the family has no checkpoint {TextExcerpt.Quote(checkpointName)}", $"use one of {string.Join(", ", family.Checkpoints.Select(c => c.Name))}", field: "--checkpoint");
        var task = TaskCatalog.Resolve([taskName], layout.Tasks).Single();
        if (control && task.ControlPath is null)
            throw new BenchmarkInputException(task.Directory, $"task {task.Name} has no control set", "leave out --control", field: "--control");
        var examples = control ? task.ReadControl(cancellationToken) : task.ReadExamples(cancellationToken);
        var encoder = RequestEncoder.For(checkpoint, TokenizerFactory.Create(checkpoint.Tokenizer), family.ManifestPath);
        TokenIdListing.WriteRequests(encoder, RequestBuilder.Build(examples, cancellationToken), output, cancellationToken);
    }

    private static int Usage(ParseResult parse, string message)
    {
        CommandErrors.WriteError(parse, message);
        return CommandErrors.InputError;
    }
}
