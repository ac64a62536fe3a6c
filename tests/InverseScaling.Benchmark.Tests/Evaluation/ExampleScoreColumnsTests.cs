using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Tests.Evaluation;

public sealed class ExampleScoreColumnsTests
{
    [Fact]
    public void Every_score_reads_back_equal_after_growing_and_trimming()
    {
        var scores = Enumerable.Range(0, 1000).Select(i => (i % 3) switch
        {
            0 => new ExampleScore(i, i / 7.0, i % 2 == 0, i % 4, -i / 3.0, [-i / 3.0 - 0.5, -i / 3.0 - 1.5]),
            1 => new ExampleScore(i, -i, null, null, null, [i]),
            _ => new ExampleScore(i, 0.1 + 0.2, false, 2, double.NegativeInfinity, [-1, -2, -3]),
        }).ToList();
        var columns = new ExampleScoreColumns();

        foreach (var score in scores) columns.Add(score);
        columns.TrimExcess();

        Assert.Equal(scores.Count, columns.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            var (e, a) = (scores[i], columns[i]);
            Assert.Equal((e.Index, e.Loss, e.Correct, e.Predicted, e.TotalLogProbability), (a.Index, a.Loss, a.Correct, a.Predicted, a.TotalLogProbability));
            Assert.Equal(e.ClassLogProbabilities, a.ClassLogProbabilities);
        }
        Assert.Equal(scores.Select(s => s.Loss), columns.Select(s => s.Loss));
        Assert.Throws<ArgumentOutOfRangeException>(() => columns[1000]);
    }
}
