using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scoring;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Metrics;

public sealed class ExampleScoringTests
{
    private static readonly SourceLocation Source = new("task.jsonl", 7);

    private static ContinuationScore[] Scores(params double[] logProbabilities) =>
        logProbabilities.Select(lp => new ContinuationScore(lp, false)).ToArray();

    [Fact]
    public void Classification_loss_is_the_gold_class_negative_log_probability_normalised_over_the_classes()
    {
        var example = new ClassificationExample(3, Source, "Q:", [" a", " b", " c"], AnswerIndex: 1);

        var score = ExampleScoring.Classification(example, Scores(-1, -2, -3));

        // logsumexp(−1, −2, −3) = −1 + ln(1 + e⁻¹ + e⁻²) = −1 + ln 1.5032147 = −0.5923940
        // loss = −(−2 − (−0.5923940)) = 1.4076060; argmax 0 ≠ gold 1
        Assert.Equal(3, score.Index);
        Assert.Equal(1.4076059644443804, score.Loss, 1e-12);
        Assert.Equal(-0.5923940355556196, score.TotalLogProbability!.Value, 1e-12);
        Assert.Equal(0, score.Predicted);
        Assert.False(score.Correct);
        Assert.Equal([-1.0, -2.0, -3.0], score.ClassLogProbabilities);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void Classification_ties_go_to_the_lowest_index(int gold, bool correct)
    {
        var example = new ClassificationExample(0, Source, "Q:", [" a", " b", " c"], gold);

        var score = ExampleScoring.Classification(example, Scores(-2, -1, -1));

        // logsumexp(−2, −1, −1) = −1 + ln(e⁻¹ + 2) = −1 + 0.8619948 = −0.1380052; both tied classes lose 0.8619948
        Assert.Equal(1, score.Predicted);
        Assert.Equal(correct, score.Correct);
        Assert.Equal(0.8619948040582511, score.Loss, 1e-12);
        Assert.Equal(-0.13800519594174887, score.TotalLogProbability!.Value, 1e-12);
    }

    [Fact]
    public void Sequence_prob_loss_is_the_negative_summed_log_probability()
    {
        var example = new SequenceProbExample(5, Source, "Say:", " hello there");

        var score = ExampleScoring.SequenceProb(example, new ContinuationScore(-3.5, true));

        Assert.Equal(new ExampleScore(5, 3.5, null, null, null, score.ClassLogProbabilities), score);
        Assert.Equal([-3.5], score.ClassLogProbabilities);
    }

    // prompt: lp = (−0.5, −2.0), log-odds 1.5; other prompt: lp = (−1.5, −0.5), log-odds −1.0; difference 2.5.
    // total_logprob = mean(−0.5 + ln(1 + e⁻¹·⁵), −0.5 + ln(1 + e⁻¹)) = mean(−0.2985867, −0.1867383) = −0.2426625.
    [Theory]
    [InlineData(0, false, 2.5, false)]
    [InlineData(1, false, -2.5, true)]
    [InlineData(0, true, 2.5, false)]
    [InlineData(1, true, 2.5, true)]
    public void Logodds_difference_flips_sign_for_answer_one_and_correct_reads_the_other_prompt(int answer, bool absolute, double difference, bool correct)
    {
        var example = new LogOddsExample(2, Source, "P:", "O:", [" yes", " no"], answer);

        var score = ExampleScoring.LogOdds(example, Scores(-0.5, -2.0), Scores(-1.5, -0.5), absolute);

        Assert.Equal(difference, score.Loss, 1e-12);
        Assert.Equal(1, score.Predicted);
        Assert.Equal(correct, score.Correct);
        Assert.Equal(-0.24266251724951235, score.TotalLogProbability!.Value, 1e-12);
        Assert.Equal([-0.5, -2.0, -1.5, -0.5], score.ClassLogProbabilities);
    }

    [Fact]
    public void Score_dispatches_by_format_in_request_order()
    {
        var logOdds = new LogOddsExample(2, Source, "P:", "O:", [" yes", " no"], 1);
        var classification = new ClassificationExample(3, Source, "Q:", [" a", " b", " c"], 1);

        var absolute = ExampleScoring.Score(TaskFormat.AbsoluteLogOdds, logOdds, Scores(-0.5, -2.0, -1.5, -0.5));
        var classes = ExampleScoring.Score(TaskFormat.Classification, classification, Scores(-1, -2, -3));

        Assert.Equal(2.5, absolute.Loss, 1e-12);
        Assert.Equal(1.4076059644443804, classes.Loss, 1e-12);
        var wrong = Assert.Throws<ArgumentException>(() => ExampleScoring.Score(TaskFormat.SequenceProb, classification, Scores(-1)));
        Assert.Equal("a ClassificationExample cannot be scored as sequence_prob (Parameter 'example')", wrong.Message);
    }

    [Fact]
    public void A_score_count_unequal_to_the_class_count_is_refused()
    {
        var example = new ClassificationExample(0, Source, "Q:", [" a", " b"], 0);

        var e = Assert.Throws<ArgumentException>(() => ExampleScoring.Classification(example, Scores(-1, -2, -3)));

        Assert.Equal("expected 2 continuation scores, got 3 (Parameter 'classScores')", e.Message);
    }
}
