using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Generators;

/// <summary>
/// The committed tasks as the reference family sees them: every example's classes stay distinct after tokenization,
/// every prompt with its longest class fits the family's 1,024-token context uncut, and no class merges with the end
/// of its prompt (so encoding them separately scores the same tokens as encoding them jointly).
/// </summary>
public sealed class TokenizedTaskQualityTests
{
    private const int ReferenceContext = 1024;

    private static readonly Lazy<RequestEncoder> Encoder = new(() =>
    {
        var tokenizer = TokenizerFactory.FromVocabAndMerges(
            Path.Combine(TestPaths.ReferenceFamilyDirectory, "tokenizer", "vocab.json"),
            Path.Combine(TestPaths.ReferenceFamilyDirectory, "tokenizer", "merges.txt"));
        return new RequestEncoder(tokenizer, new BosSpec(BosSpec.None, "<|endoftext|>"), ReferenceContext, "reference family");
    });

    public static IEnumerable<TheoryDataRow<string, bool>> TaskSets() =>
        TaskCatalog.Discover(TestPaths.Tasks).SelectMany(task => new[] { false, true }
            .Where(control => !control || task.ControlPath is not null)
            .Select(control => new TheoryDataRow<string, bool>(task.Name, control)
                .WithTestDisplayName($"{task.Name}{(control ? " (control)" : "")}: tokenized quality")));

    [Theory]
    [MemberData(nameof(TaskSets))]
    public void Classes_stay_distinct_and_every_example_fits_the_reference_context(string name, bool control)
    {
        var task = TaskCatalog.Discover(TestPaths.Tasks).Single(t => t.Name == name);
        var examples = control ? task.ReadControl(TestContext.Current.CancellationToken) : task.ReadExamples(TestContext.Current.CancellationToken);
        var problems = new List<string>();
        var longest = 0;
        foreach (var example in examples)
        {
            var requests = RequestBuilder.For(example);
            var encoded = requests.Select(r => Encoder.Value.Encode(r, example.Source)).ToList();
            longest = Math.Max(longest, encoded.Max(e => e.Length));
            if (encoded.Any(e => e.TruncatedTokens > 0)) problems.Add($"{example.Source}: cut to fit {ReferenceContext} tokens");
            if (encoded.Any(e => e.BoundaryDiffers)) problems.Add($"{example.Source}: a class merges with the end of the prompt");
            var distinct = encoded.Select(e => string.Join(',', e.Continuation)).Distinct().Count();
            if (distinct != encoded.Count) problems.Add($"{example.Source}: two classes encode to the same tokens");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        Assert.InRange(longest, 2, ReferenceContext);
    }
}
