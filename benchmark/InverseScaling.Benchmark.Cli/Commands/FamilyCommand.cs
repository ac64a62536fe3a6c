using System.CommandLine;
using System.Globalization;
using InverseScaling.Benchmark.Cli.Options;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Cli.Commands;

/// <summary>
/// <c>family init</c>: writes family.json from export folders (Hugging Face optimum's or onnxruntime-genai's) through
/// <see cref="FamilyInitializer"/>: parameter counts, context length, BOS policy and the sha256 of every file a score reads.
/// </summary>
internal static class FamilyCommand
{
    public static Command Create()
    {
        var command = new Command("family", "Work with family manifests (family.json).");
        command.Subcommands.Add(CreateInit());
        return command;
    }

    private static Command CreateInit()
    {
        var folders = new Argument<string[]>("folders")
        {
            Description = "Export folders, one per checkpoint (optimum-cli export onnx or the onnxruntime-genai model builder wrote them); each checkpoint is named after its folder.",
            Arity = ArgumentArity.OneOrMore,
        };
        var name = new Option<string?>("--name", "-n") { Description = $"The family's name ({SafeName.Rule}).", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "The family.json to write, in a folder that holds the export folders. Default: family.json in the current directory." };
        var maxContext = new Option<string?>("--max-context") { Description = "The context length where config.json and genai_config.json give none (never above the model's position table)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing family.json." };

        var command = new Command("init", "Write family.json from export folders: parameter counts, context length, BOS policy and the sha256 of every file a score reads.")
        {
            folders, name, output, maxContext, force,
        };
        command.SetAction((parse, cancellationToken) => Task.Run(() => CommandErrors.Run(parse, () =>
        {
            var errors = new OptionErrors();
            var paths = parse.GetValue(folders)!;
            foreach (var folder in paths)
            {
                if (errors.NotEmpty(folders.Name, folder, "give the folder the exporter wrote") is { } given && !Directory.Exists(given))
                    errors.Add(folders.Name, given, "no such folder", "give the folder the exporter wrote");
            }
            var familyName = parse.GetValue(name);
            if (!SafeName.IsValid(familyName)) errors.Add(name.Name, familyName, "not a valid family name", $"name the family with {SafeName.Rule}");
            var manifestPath = errors.NotEmpty(output.Name, parse.GetValue(output), "give the path of the family.json to write") ?? FamilyLoader.FileName;
            if (Directory.Exists(manifestPath)) manifestPath = Path.Combine(manifestPath, FamilyLoader.FileName);
            if (File.Exists(manifestPath) && !parse.GetValue(force))
                errors.Add(output.Name, manifestPath, "the file exists", "give another path, or --force to replace it");
            var context = errors.WholeNumber(maxContext.Name, parse.GetValue(maxContext), 2, "give the longest sequence the model takes, 2 or more");
            errors.ThrowIfAny();

            var manifest = FamilyInitializer.Create(paths, familyName!, manifestPath, context, cancellationToken);
            FamilyInitializer.Write(manifest, manifestPath);
            var writer = parse.InvocationConfiguration.Output;
            writer.WriteLine($"Wrote {Path.GetFullPath(manifestPath)}: family {manifest.Name}, {manifest.Checkpoints.Count} checkpoint{(manifest.Checkpoints.Count == 1 ? "" : "s")}");
            foreach (var c in manifest.Checkpoints)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {c.Name}: {c.Parameters:N0} parameters ({c.NonEmbeddingParameters:N0} non-embedding), context {c.MaxContext}, BOS {c.Bos.Policy}"));
            }
            return CommandErrors.Passed;
        }), cancellationToken));
        return command;
    }
}
