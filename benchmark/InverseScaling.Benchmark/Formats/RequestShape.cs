namespace InverseScaling.Benchmark.Formats;

/// <summary>
/// How an example becomes log-likelihood requests <c>(context, continuation)</c>, with the prize's empty delimiter
/// (classes carry their own leading space). <see cref="Requests.RequestBuilder"/> builds them in this order, and
/// <see cref="Metrics.ExampleScoring"/> reads the scores in it.
/// </summary>
public enum RequestShape
{
    /// <summary>One request per class after <c>prompt</c>.</summary>
    EachClassAfterPrompt,
    /// <summary>One request: <c>completion</c> after <c>prompt</c>.</summary>
    CompletionAfterPrompt,
    /// <summary>One request per class after <c>prompt</c>, then one per class after <c>other_prompt</c>.</summary>
    EachClassAfterBothPrompts,
}
