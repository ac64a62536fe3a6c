using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Requests;

/// <summary>The requests of one example: <see cref="Count"/> requests starting at <see cref="First"/> in the request list.</summary>
public sealed record ExampleRequests(TaskExample Example, int First, int Count)
{
    /// <summary>This example's entries of a list aligned with the requests (for example the scores).</summary>
    public IReadOnlyList<T> Slice<T>(IReadOnlyList<T> all)
    {
        var slice = new T[Count];
        for (var i = 0; i < Count; i++) slice[i] = all[First + i];
        return slice;
    }
}

/// <summary>A task's requests in order, and which of them belong to which example.</summary>
public sealed record RequestSet(IReadOnlyList<LoglikelihoodRequest> Requests, IReadOnlyList<ExampleRequests> Examples);

/// <summary>
/// Turns examples into log-likelihood requests with the prize's empty delimiter (classes carry their own leading space).
/// classification: one per class; sequence_prob: one; logodds: one per class after <c>prompt</c>, then one per class after <c>other_prompt</c>.
/// </summary>
public static class RequestBuilder
{
    public static IReadOnlyList<LoglikelihoodRequest> For(TaskExample example) => example switch
    {
        ClassificationExample c => [.. c.Classes.Select(cls => new LoglikelihoodRequest(c.Prompt, cls))],
        SequenceProbExample s => [new LoglikelihoodRequest(s.Prompt, s.Completion)],
        LogOddsExample l =>
        [
            .. l.Classes.Select(cls => new LoglikelihoodRequest(l.Prompt, cls)),
            .. l.Classes.Select(cls => new LoglikelihoodRequest(l.OtherPrompt, cls)),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(example), example.GetType().Name, "unknown example type"),
    };

    public static RequestSet Build(IEnumerable<TaskExample> examples, CancellationToken cancellationToken = default)
    {
        var requests = new List<LoglikelihoodRequest>();
        var spans = new List<ExampleRequests>();
        foreach (var example in examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var own = For(example);
            spans.Add(new ExampleRequests(example, requests.Count, own.Count));
            requests.AddRange(own);
        }
        return new RequestSet(requests, spans);
    }
}
