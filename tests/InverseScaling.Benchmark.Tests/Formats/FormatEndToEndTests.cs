using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Formats;

/// <summary>
/// Every format end to end from its official files (JSON Lines, and pandas-written CSV), with and without a
/// <c>task.json</c>: resolved as <c>run --tasks</c> resolves them, read, scored on the reference family's smallest
/// checkpoint, and checked against the scorer's own class log-probabilities combined by hand as the prize defines each format.
/// </summary>
public sealed class FormatEndToEndTests(SmallestCheckpointRunner scorer) : IClassFixture<SmallestCheckpointRunner>
{
    /// <summary>Class log-probabilities asked one at a time agree with the engine's shared-prompt passes to this.</summary>
    private const double SameScorer = 1e-6;

    public static IEnumerable<TheoryDataRow<TaskFormat, string, bool>> Cases() =>
        from format in Enum.GetValues<TaskFormat>()
        from extension in new[] { "jsonl", "csv" }
        from card in new[] { false, true }
        select new TheoryDataRow<TaskFormat, string, bool>(format, extension, card);

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_official_file_scores_as_its_format_defines(TaskFormat format, string extension, bool card)
    {
        var entry = card ? OfficialFiles.WithCard(format, extension) : OfficialFiles.Path(format, extension);
        var spec = format.Spec();

        var task = Assert.Single(TaskCatalog.Resolve([entry], TestPaths.NewTempDirectory()));
        var examples = task.ReadExamples(TestContext.Current.CancellationToken).ToList();
        var result = scorer.Score(task.Format, examples);

        Assert.Equal(format, task.Format);
        Assert.Equal(card ? OfficialFiles.CardPrimaryMetric(format) : spec.DefaultPrimaryMetric, task.Definition.PrimaryMetric);
        Assert.Equal(card ? "probe-" + spec.Name.Replace('_', '-') : "probe", task.Name);
        AssertRows(OfficialFiles.Rows(format), examples);
        Assert.Equal(spec.MetricNames, result.Metrics.Metrics.Keys);

        var expected = HandScored(format, examples);
        for (var i = 0; i < examples.Count; i++)
        {
            Assert.Equal(expected[i].Loss, result.Examples[i].Loss, SameScorer);
            Assert.Equal(expected[i].Correct, result.Examples[i].Correct);
            Assert.Equal(expected[i].Predicted, result.Examples[i].Predicted);
            Assert.Equal(expected[i].TotalLogProbability ?? double.NaN, result.Examples[i].TotalLogProbability ?? double.NaN, SameScorer);
            Assert.Equal(expected[i].ClassLogProbabilities.Count, result.Examples[i].ClassLogProbabilities.Count);
            for (var c = 0; c < expected[i].ClassLogProbabilities.Count; c++)
                Assert.Equal(expected[i].ClassLogProbabilities[c], result.Examples[i].ClassLogProbabilities[c], SameScorer);
        }
        foreach (var metric in spec.Metrics)
        {
            var mean = expected.Average(e => metric.Name switch
            {
                MetricNames.Accuracy => e.Correct!.Value ? 1.0 : 0.0,
                MetricNames.Loss or MetricNames.LogOddsDifference => e.Loss,
                MetricNames.TotalLogProbability => e.TotalLogProbability!.Value,
                _ => throw new ArgumentException(metric.Name),
            });
            Assert.Equal(mean, result.Metrics.Metrics[metric.Name].Mean, SameScorer);
            Assert.Equal(examples.Count, result.Metrics.Metrics[metric.Name].Count);
        }
        Assert.True(result.Metrics.Metrics.ContainsKey(task.Definition.PrimaryMetric));
    }

    [Theory]
    [InlineData(TaskFormat.Classification)]
    [InlineData(TaskFormat.SequenceProb)]
    [InlineData(TaskFormat.LogOdds)]
    [InlineData(TaskFormat.AbsoluteLogOdds)]
    public void The_csv_and_the_jsonl_of_a_format_score_identically(TaskFormat format)
    {
        var jsonl = scorer.Score(format, TaskFileReader.Read(OfficialFiles.Path(format, "jsonl"), TestContext.Current.CancellationToken));
        var csv = scorer.Score(format, TaskFileReader.Read(OfficialFiles.Path(format, "csv"), TestContext.Current.CancellationToken));

        Assert.Equal(jsonl.Examples.Select(e => e.Loss), csv.Examples.Select(e => e.Loss));
        Assert.Equal(jsonl.Examples.SelectMany(e => e.ClassLogProbabilities), csv.Examples.SelectMany(e => e.ClassLogProbabilities));
    }

    /// <summary>
    /// The completion losses against torch: the reference family's validation fixture holds torch's per-token
    /// log-probabilities of these texts on ref-13k, and each completion here is the tokens 28–30 (" main", "ten", "ance")
    /// and 40–42 (" condition", "er", "\"") of its text, so its loss is minus their sum.
    /// </summary>
    [Fact]
    public void Sequence_prob_losses_match_torch_on_the_smallest_checkpoint()
    {
        double[] torch =
        [
            8.012877524226463 + 8.092242827298142 + 6.354154202278159,
            8.967030367595079 + 6.6186263491610795 + 3.4455772390827666,
        ];

        var result = scorer.Score(TaskFormat.SequenceProb, TaskFileReader.Read(OfficialFiles.Path(TaskFormat.SequenceProb, "csv"), TestContext.Current.CancellationToken));

        Assert.Equal(torch[0], result.Examples[0].Loss, 3e-4);
        Assert.Equal(torch[1], result.Examples[1].Loss, 3e-4);
        Assert.Equal((torch[0] + torch[1]) / 2, result.Metrics.Metrics[MetricNames.Loss].Mean, 6e-4);
    }

    /// <summary>Each example scored by hand from the scorer's log-probability of every (prompt, class) pair, asked one at a time.</summary>
    private ExampleScore[] HandScored(TaskFormat format, IReadOnlyList<TaskExample> examples) =>
        [.. examples.Select(example => example switch
        {
            ClassificationExample c => Classification(c, scorer.LogProbabilities([.. c.Classes.Select(cls => (c.Prompt, cls))])),
            SequenceProbExample s => scorer.LogProbabilities((s.Prompt, s.Completion)) is var lp
                ? new ExampleScore(s.Index, -lp[0], null, null, null, lp)
                : null!,
            LogOddsExample l => LogOdds(l, scorer.LogProbabilities(
                (l.Prompt, l.Classes[0]), (l.Prompt, l.Classes[1]), (l.OtherPrompt, l.Classes[0]), (l.OtherPrompt, l.Classes[1])),
                absolute: format == TaskFormat.AbsoluteLogOdds),
            _ => throw new ArgumentException(example.GetType().Name),
        })];

    /// <summary>loss = logsumexp(lp) − lp[gold]; the first maximum is the prediction; total = logsumexp(lp).</summary>
    private static ExampleScore Classification(ClassificationExample example, double[] lp)
    {
        var total = LogSumExp(lp);
        var predicted = Array.IndexOf(lp, lp.Max());
        return new ExampleScore(example.Index, total - lp[example.AnswerIndex], predicted == example.AnswerIndex, predicted, total, lp);
    }

    /// <summary>
    /// lp = [c0 | prompt, c1 | prompt, c0 | other, c1 | other]: (lp0 − lp1) − (lp2 − lp3), negated when the gold class is 1,
    /// its magnitude for absolute_logodds; the prediction is the likelier class after the other prompt.
    /// </summary>
    private static ExampleScore LogOdds(LogOddsExample example, double[] lp, bool absolute)
    {
        var difference = (lp[0] - lp[1]) - (lp[2] - lp[3]);
        if (example.AnswerIndex == 1) difference = -difference;
        if (absolute) difference = Math.Abs(difference);
        var predicted = lp[3] > lp[2] ? 1 : 0;
        return new ExampleScore(example.Index, difference, predicted == example.AnswerIndex, predicted,
            (LogSumExp([lp[0], lp[1]]) + LogSumExp([lp[2], lp[3]])) / 2, lp);
    }

    private static double LogSumExp(double[] values)
    {
        var max = values.Max();
        return max + Math.Log(values.Sum(v => Math.Exp(v - max)));
    }

    private static void AssertRows(IReadOnlyList<TaskExample> expected, IReadOnlyList<TaskExample> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(i, actual[i].Index);
            Assert.Equal(expected[i].Prompt, actual[i].Prompt);
            switch (expected[i], actual[i])
            {
                case (ClassificationExample e, ClassificationExample a):
                    Assert.Equal(e.Classes, a.Classes);
                    Assert.Equal(e.AnswerIndex, a.AnswerIndex);
                    break;
                case (SequenceProbExample e, SequenceProbExample a):
                    Assert.Equal(e.Completion, a.Completion);
                    break;
                case (LogOddsExample e, LogOddsExample a):
                    Assert.Equal(e.OtherPrompt, a.OtherPrompt);
                    Assert.Equal(e.Classes, a.Classes);
                    Assert.Equal(e.AnswerIndex, a.AnswerIndex);
                    break;
                default:
                    Assert.Fail($"row {i}: expected a {expected[i].GetType().Name}, read a {actual[i].GetType().Name}");
                    break;
            }
        }
    }
}
