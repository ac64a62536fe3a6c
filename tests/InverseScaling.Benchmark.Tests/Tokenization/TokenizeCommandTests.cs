using System.Text.Json;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tests.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>The <c>tokenize</c> verb: ids of texts and of a task's requests, and its errors (exit 2, one line).</summary>
public sealed class TokenizeCommandTests
{
    [Theory]
    [InlineData("qwen3")]
    [InlineData("mistral")]
    [InlineData("yi")]
    public async Task Texts_from_a_jsonl_file_get_hugging_faces_ids_one_array_per_line(string name)
    {
        var texts = ReferenceIds.TaskFiles().SelectMany(f => f.Take(2)).SelectMany(ReferenceIds.Texts).Distinct().Take(30).ToList();
        var input = TempFile.Write("texts.jsonl", string.Concat(texts.Select(t => JsonSerializer.Serialize(t) + "\n")));
        var expected = ReferenceIds.Expected(name);

        var result = await Reliability.Cli.RunInProcessAsync(["tokenize", "--tokenizer", ReferenceIds.TokenizerJsonPath(name), "--input", input], TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(texts.Select(t => JsonSerializer.Serialize(expected[ReferenceIds.Key(t)])), result.Output.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task One_text_with_a_tiktoken_name_gets_tiktokens_ids()
    {
        var result = await Reliability.Cli.RunInProcessAsync(["tokenize", "--tokenizer", "cl100k_base", "--text", "Hello world"], TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("[9906,1917]\n", result.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_tasks_requests_print_the_ids_the_scorer_gets()
    {
        var family = FamilyLoader.Load(TestPaths.ReferenceFamilyManifest, cancellationToken: TestContext.Current.CancellationToken);
        var tokenizer = TokenizerFactory.Create(family.Checkpoints[0].Tokenizer);
        var first = ReferenceIds.TaskFiles().First(f => f[0].Source.File.Contains("neqa", StringComparison.Ordinal))[0];

        var result = await Reliability.Cli.RunInProcessAsync(["tokenize", "--checkpoint", "ref-13k", "--task", "neqa"], TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(640, lines.Length);
        using var line = JsonDocument.Parse(lines[1]);
        var root = line.RootElement;
        Assert.Equal(0, root.GetProperty("example").GetInt32());
        Assert.Equal(1, root.GetProperty("request").GetInt32());
        Assert.Equal(tokenizer.Encode(first.Prompt.TrimEnd()), root.GetProperty("context").EnumerateArray().Select(i => i.GetInt32()));
        var classes = ((Benchmark.Tasks.ClassificationExample)first).Classes;
        Assert.Equal(tokenizer.Encode(classes[1]), root.GetProperty("continuation").EnumerateArray().Select(i => i.GetInt32()));
        Assert.False(root.GetProperty("fallback").GetBoolean());
    }

    [Theory]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2" }, "error: give one of --input or --text with --tokenizer")]
    [InlineData(new[] { "tokenize", "--text", "x" }, "error: give --tokenizer with --input or --text, or --checkpoint with --task")]
    [InlineData(new[] { "tokenize", "--checkpoint", "ref-13k" }, "error: --checkpoint needs --task")]
    [InlineData(new[] { "tokenize", "--tokenizer", "tokenizer.bin", "--text", "x" }, "error: tokenizer.bin: the tokenizer's kind cannot be told from its name. Fix: give a tokenizer.json, a vocab.json (merges.txt beside it), a tokenizer.model, a *.tiktoken file or one of gpt2, r50k_base, cl100k_base, o200k_base")]
    public async Task Bad_usage_exits_2_with_one_line(string[] args, string expected)
    {
        var result = await Reliability.Cli.RunInProcessAsync(args, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([expected], result.ErrorLines);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task A_line_that_is_not_a_json_string_exits_2_naming_the_line()
    {
        var input = TempFile.Write("texts.jsonl", "\"fine\"\n{\"text\": 1}\n");

        var result = await Reliability.Cli.RunInProcessAsync(["tokenize", "--tokenizer", "gpt2", "--input", input], TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"error: {input}:2: line \"{{\\\"text\\\": 1}}\" is not a JSON string: the value has the wrong type. Fix: write each text as one JSON string on its own line, e.g. \"The cat sat.\""], result.ErrorLines);
    }
}
