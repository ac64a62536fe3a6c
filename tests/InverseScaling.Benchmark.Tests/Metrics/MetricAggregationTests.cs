using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Metrics;

public sealed class MetricAggregationTests
{
    [Fact]
    public void Standard_error_is_the_sample_standard_deviation_over_root_n()
    {
        // mean 3; squared deviations 4, 1, 0, 9 → s² = 14/3, s = 2.1602469; SE = s/2 = 1.0801234
        var value = MetricAggregation.Summarize([1, 2, 3, 6]);

        Assert.Equal(3, value.Mean, 1e-12);
        Assert.Equal(1.0801234497346435, value.StandardError, 1e-12);
        Assert.Equal(4, value.Count);
    }

    [Fact]
    public void A_single_value_has_a_standard_error_of_zero_not_nan()
    {
        var value = MetricAggregation.Summarize([0.25]);

        // NaN made every gate comparison on the checkpoint "within"; 0 leaves it the smallest tolerance.
        Assert.Equal(new MetricValue(0.25, 0, 1), value);
    }

    [Fact]
    public void Classification_reports_accuracy_loss_and_total_logprob()
    {
        ExampleScore[] scores =
        [
            new(0, 1, true, 0, -0.5, [-0.5, -1.5]),
            new(1, 2, false, 1, -1.0, [-2.0, -1.0]),
            new(2, 3, true, 0, -1.5, [-1.5, -3.0]),
            new(3, 6, true, 0, -2.0, [-2.0, -9.0]),
        ];

        var metrics = MetricAggregation.Aggregate(TaskFormat.Classification, scores);

        Assert.Equal([MetricNames.Accuracy, MetricNames.Loss, MetricNames.TotalLogProbability], metrics.Keys.Order());
        // accuracy 1,0,1,1: mean 0.75, s² = (3·0.0625 + 0.5625)/3 = 0.25, SE = 0.5/2 = 0.25
        Assert.Equal(0.75, metrics[MetricNames.Accuracy].Mean, 1e-12);
        Assert.Equal(0.25, metrics[MetricNames.Accuracy].StandardError, 1e-12);
        Assert.Equal(3, metrics[MetricNames.Loss].Mean, 1e-12);
        Assert.Equal(1.0801234497346435, metrics[MetricNames.Loss].StandardError, 1e-12);
        // total_logprob −0.5, −1, −1.5, −2: mean −1.25, s² = (0.5625+0.0625+0.0625+0.5625)/3 = 0.4166667, SE = 0.6454972/2
        Assert.Equal(-1.25, metrics[MetricNames.TotalLogProbability].Mean, 1e-12);
        Assert.Equal(0.32274861218395140, metrics[MetricNames.TotalLogProbability].StandardError, 1e-12);
    }

    [Fact]
    public void Sequence_prob_reports_loss_only_and_logodds_reports_the_difference()
    {
        ExampleScore[] sequence = [new(0, 2, null, null, null, [-2.0]), new(1, 4, null, null, null, [-4.0])];
        ExampleScore[] logOdds = [new(0, 2.5, false, 1, -0.2, [-0.5, -2.0, -1.5, -0.5]), new(1, -0.5, true, 0, -0.4, [-1, -1, -1, -1])];

        var sequenceMetrics = MetricAggregation.Aggregate(TaskFormat.SequenceProb, sequence);
        var logOddsMetrics = MetricAggregation.Aggregate(TaskFormat.LogOdds, logOdds);

        // loss 2, 4: mean 3, s = √2, SE = √2/√2 = 1
        Assert.Equal(new MetricValue(3, 1, 2), sequenceMetrics[MetricNames.Loss]);
        Assert.Single(sequenceMetrics);
        Assert.Equal([MetricNames.Accuracy, MetricNames.LogOddsDifference, MetricNames.TotalLogProbability], logOddsMetrics.Keys.Order());
        // 2.5, −0.5: mean 1, s = 3/√2, SE = 1.5
        Assert.Equal(1, logOddsMetrics[MetricNames.LogOddsDifference].Mean, 1e-12);
        Assert.Equal(1.5, logOddsMetrics[MetricNames.LogOddsDifference].StandardError, 1e-12);
        Assert.Equal(0.5, logOddsMetrics[MetricNames.Accuracy].Mean, 1e-12);
    }
}
