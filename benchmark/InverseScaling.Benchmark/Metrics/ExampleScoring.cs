using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Metrics;

/// <summary>Turns one example's continuation scores into its <see cref="ExampleScore"/>, as the prize defines each format.</summary>
internal static class ExampleScoring
{
    /// <summary>
    /// Scores any example. <paramref name="scores"/> are in request order: classification, one per class;
    /// sequence_prob, the completion; logodds formats, the prompt's classes then the other prompt's classes.
    /// </summary>
    public static ExampleScore Score(TaskFormat format, TaskExample example, IReadOnlyList<ContinuationScore> scores) => (format, example) switch
    {
        (TaskFormat.Classification, ClassificationExample c) => Classification(c, scores),
        (TaskFormat.SequenceProb, SequenceProbExample s) => SequenceProb(s, Single(scores)),
        (TaskFormat.LogOdds or TaskFormat.AbsoluteLogOdds, LogOddsExample l) => LogOdds(
            l, Half(scores, 0), Half(scores, 1), format == TaskFormat.AbsoluteLogOdds),
        _ => throw new ArgumentException($"a {example.GetType().Name} cannot be scored as {format.ToName()}", nameof(example)),
    };

    /// <summary>
    /// classification: each class's summed log-probability lp_i, normalised over the classes.
    /// loss = −(lp_gold − logsumexp(lp)); predicted = argmax lp (lowest index on ties); correct = predicted == gold;
    /// total_logprob = logsumexp(lp), the probability mass on the label set.
    /// </summary>
    public static ExampleScore Classification(ClassificationExample example, IReadOnlyList<ContinuationScore> classScores)
    {
        var classes = LogProbabilities(classScores, example.Classes.Count, "classScores");
        CheckAnswer(example.AnswerIndex, classes.Length);
        var total = LogSumExp(classes);
        var predicted = ArgMax(classes);
        return new ExampleScore(example.Index, total - classes[example.AnswerIndex], predicted == example.AnswerIndex, predicted, total, classes);
    }

    /// <summary>sequence_prob: loss = −(summed log-probability of the completion). No accuracy or label mass.</summary>
    public static ExampleScore SequenceProb(SequenceProbExample example, ContinuationScore completion) =>
        new(example.Index, -completion.LogProbability, null, null, null, [completion.LogProbability]);

    /// <summary>
    /// logodds and absolute_logodds, after the official pipeline but with full multi-token class log-probabilities
    /// (the pipeline reads only the next-token logit of each class's last token). With lp(c | p) the summed
    /// log-probability of class c after prompt p:
    /// <list type="bullet">
    /// <item>logodds(p) = lp(class 0 | p) − lp(class 1 | p);</item>
    /// <item>loss (the logodds difference) = logodds(prompt) − logodds(other_prompt), negated when answer_index == 1
    /// (so it always reads as the gold class's log-odds under prompt minus under other_prompt); absolute_logodds takes
    /// its absolute value;</item>
    /// <item>predicted = argmax over the classes after <b>other_prompt</b> (lowest index on ties); correct = predicted == answer_index;</item>
    /// <item>total_logprob = mean over the two prompts of logsumexp(lp(class 0 | p), lp(class 1 | p)), the average mass on the label set (at most 0 here; the pipeline's single-token version could exceed it).</item>
    /// </list>
    /// ClassLogProbabilities holds lp(0|prompt), lp(1|prompt), lp(0|other_prompt), lp(1|other_prompt).
    /// </summary>
    public static ExampleScore LogOdds(LogOddsExample example, IReadOnlyList<ContinuationScore> promptScores, IReadOnlyList<ContinuationScore> otherPromptScores, bool absolute)
    {
        if (example.Classes.Count != 2)
        {
            throw new ArgumentException($"logodds example {example.Index} has {example.Classes.Count} classes; the format needs exactly 2", nameof(example));
        }
        var prompt = LogProbabilities(promptScores, 2, nameof(promptScores));
        var other = LogProbabilities(otherPromptScores, 2, nameof(otherPromptScores));
        CheckAnswer(example.AnswerIndex, 2);

        var difference = (prompt[0] - prompt[1]) - (other[0] - other[1]);
        if (example.AnswerIndex == 1) difference = -difference;
        if (absolute) difference = Math.Abs(difference);

        var predicted = ArgMax(other);
        var total = (LogSumExp(prompt) + LogSumExp(other)) / 2;
        return new ExampleScore(example.Index, difference, predicted == example.AnswerIndex, predicted, total, [.. prompt, .. other]);
    }

    /// <summary>log Σ exp(values), shifted by the maximum.</summary>
    internal static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        foreach (var v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>The first index of the maximum.</summary>
    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }

    private static double[] LogProbabilities(IReadOnlyList<ContinuationScore> scores, int expected, string name)
    {
        if (scores.Count != expected)
        {
            throw new ArgumentException($"expected {expected} continuation scores, got {scores.Count}", name);
        }
        var values = new double[expected];
        for (var i = 0; i < expected; i++)
        {
            values[i] = scores[i].LogProbability;
            if (double.IsNaN(values[i])) throw new ArgumentException($"continuation score {i} is NaN", name);
        }
        return values;
    }

    private static void CheckAnswer(int answerIndex, int classes)
    {
        if (answerIndex < 0 || answerIndex >= classes)
        {
            throw new ArgumentOutOfRangeException(nameof(answerIndex), answerIndex, $"answer_index must be in 0..{classes - 1}");
        }
    }

    private static ContinuationScore Single(IReadOnlyList<ContinuationScore> scores) =>
        scores.Count == 1 ? scores[0] : throw new ArgumentException($"sequence_prob takes 1 continuation score, got {scores.Count}", nameof(scores));

    private static ContinuationScore[] Half(IReadOnlyList<ContinuationScore> scores, int half)
    {
        if (scores.Count % 2 != 0)
        {
            throw new ArgumentException($"logodds takes the prompt's and the other prompt's class scores (an even count), got {scores.Count}", nameof(scores));
        }
        var size = scores.Count / 2;
        return Enumerable.Range(half * size, size).Select(i => scores[i]).ToArray();
    }
}
