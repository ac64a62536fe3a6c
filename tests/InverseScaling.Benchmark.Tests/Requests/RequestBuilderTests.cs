using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Requests;

public sealed class RequestBuilderTests
{
    private static readonly SourceLocation Source = new("t.jsonl", 1);

    [Fact]
    public void Classification_asks_for_each_class_after_the_prompt_with_no_delimiter()
    {
        var requests = RequestBuilder.For(new ClassificationExample(0, Source, "Is it?\nA:", [" Yes", " No", "Maybe"], 1));

        Assert.Equal(
        [
            new LoglikelihoodRequest("Is it?\nA:", " Yes"),
            new LoglikelihoodRequest("Is it?\nA:", " No"),
            new LoglikelihoodRequest("Is it?\nA:", "Maybe"),
        ], requests);
    }

    [Fact]
    public void Sequence_prob_asks_for_the_completion()
    {
        Assert.Equal([new LoglikelihoodRequest("Say hi:", " hi")], RequestBuilder.For(new SequenceProbExample(0, Source, "Say hi:", " hi")));
    }

    [Fact]
    public void Logodds_asks_for_each_class_after_the_prompt_then_after_the_other_prompt()
    {
        var requests = RequestBuilder.For(new LogOddsExample(0, Source, "P", "O", [" a", " b"], 0));

        Assert.Equal(
        [
            new LoglikelihoodRequest("P", " a"),
            new LoglikelihoodRequest("P", " b"),
            new LoglikelihoodRequest("O", " a"),
            new LoglikelihoodRequest("O", " b"),
        ], requests);
    }

    [Fact]
    public void A_request_set_maps_each_example_to_its_span()
    {
        var examples = new TaskExample[]
        {
            new ClassificationExample(0, Source, "A", [" x", " y", " z"], 0),
            new SequenceProbExample(1, Source, "B", " w"),
            new LogOddsExample(2, Source, "C", "D", [" u", " v"], 1),
        };

        var set = RequestBuilder.Build(examples, TestContext.Current.CancellationToken);

        Assert.Equal(8, set.Requests.Count);
        Assert.Equal([(0, 3), (3, 1), (4, 4)], set.Examples.Select(e => (e.First, e.Count)));
        Assert.Same(examples[2], set.Examples[2].Example);
        var scores = Enumerable.Range(0, 8).Select(i => i * 10.0).ToList();
        Assert.Equal([40.0, 50.0, 60.0, 70.0], set.Examples[2].Slice(scores));
        Assert.Equal(new LoglikelihoodRequest("D", " v"), set.Requests[7]);
    }
}
