using System.Text.RegularExpressions;
using InverseScaling.Benchmark.Formats;
using InverseScaling.Benchmark.Requests;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Formats;

public sealed class FormatCatalogTests
{
    [Theory]
    [InlineData(TaskFormat.Classification, "classification", "_classification")]
    [InlineData(TaskFormat.SequenceProb, "sequence_prob", "_sequence-probability")]
    [InlineData(TaskFormat.LogOdds, "logodds", "_logodds")]
    [InlineData(TaskFormat.AbsoluteLogOdds, "absolute_logodds", "_absolute-logodds")]
    public void Each_format_is_found_by_enum_by_official_name_and_by_released_file_name(TaskFormat format, string name, string suffix)
    {
        var spec = FormatCatalog.Get(format);

        Assert.Equal(format, spec.Format);
        Assert.Equal(name, spec.Name);
        Assert.Same(spec, FormatCatalog.Get(name));
        Assert.Same(spec, FormatCatalog.Find(name));
        Assert.Same(spec, FormatCatalog.FromFileName($"qa-bias{suffix}.csv"));
        Assert.Equal(name, format.ToName());
    }

    [Fact]
    public void Unknown_names_are_not_formats_or_metrics()
    {
        Assert.Null(FormatCatalog.Find("multiple_choice"));
        Assert.Null(FormatCatalog.FromFileName("memo-trap.jsonl"));
        Assert.Null(MetricCatalog.Find("acc"));
        Assert.Equal("unknown task format 'multiple_choice' (known: classification, sequence_prob, logodds, absolute_logodds) (Parameter 'name')",
            Assert.Throws<ArgumentException>(() => FormatCatalog.Get("multiple_choice")).Message);
        Assert.Equal("unknown metric 'acc' (known: accuracy, loss, total_logprob, logodds_difference) (Parameter 'name')",
            Assert.Throws<ArgumentException>(() => MetricCatalog.Get("acc")).Message);
    }

    [Fact]
    public void Each_format_reports_its_metrics_and_gates_on_one_of_them()
    {
        Assert.Equal(["accuracy", "loss", "total_logprob"], FormatCatalog.Classification.MetricNames);
        Assert.Equal(["loss"], FormatCatalog.SequenceProb.MetricNames);
        Assert.Equal(["logodds_difference", "accuracy", "total_logprob"], FormatCatalog.LogOdds.MetricNames);
        Assert.Equal(["logodds_difference", "accuracy", "total_logprob"], FormatCatalog.AbsoluteLogOdds.MetricNames);

        Assert.Equal(["loss", "accuracy"], FormatCatalog.Classification.PrimaryMetrics);
        Assert.Equal(["loss"], FormatCatalog.SequenceProb.PrimaryMetrics);
        Assert.Equal(["logodds_difference", "accuracy"], FormatCatalog.LogOdds.PrimaryMetrics);
        Assert.Equal(["loss", "loss", "logodds_difference", "logodds_difference"], FormatCatalog.All.Select(f => f.DefaultPrimaryMetric));
        Assert.All(FormatCatalog.All, f =>
        {
            Assert.All(f.PrimaryMetrics, m => Assert.True(f.Reports(m), $"{f.Name} gates on {m}, which it does not report"));
            Assert.Equal(f.MetricNames.Distinct(), f.MetricNames);
            Assert.All(f.Metrics, m => Assert.Same(MetricCatalog.Get(m.Name), m.Metric));
        });
        Assert.Equal(Enum.GetValues<TaskFormat>(), FormatCatalog.All.Select(f => f.Format));
    }

    [Fact]
    public void Accuracy_and_label_mass_are_better_higher_losses_and_log_odds_differences_lower()
    {
        Assert.Equal(
            ["accuracy: Higher", "loss: Lower", "total_logprob: Higher", "logodds_difference: Lower"],
            MetricCatalog.All.Select(m => $"{m.Name}: {m.Better}"));
        Assert.True(MetricCatalog.Accuracy.HigherIsBetter);
        Assert.False(MetricCatalog.LogOddsDifference.HigherIsBetter);
    }

    [Fact]
    public void Classification_chance_is_the_mean_of_one_over_n_and_of_ln_n()
    {
        var chance = FormatCatalog.Classification.Chance([2, 3, 2])!;

        Assert.Equal(["accuracy", "loss"], chance.Keys);
        Assert.Equal((1 / 2.0 + 1 / 3.0 + 1 / 2.0) / 3, chance["accuracy"], 15);
        Assert.Equal((Math.Log(2) + Math.Log(3) + Math.Log(2)) / 3, chance["loss"], 15);
    }

    [Fact]
    public void Chance_of_rows_that_all_have_n_classes_is_exactly_the_value_for_n()
    {
        var chance = FormatCatalog.Classification.Chance(Enumerable.Repeat(2, 333))!;

        Assert.Equal(0.5, chance["accuracy"]);
        Assert.Equal(Math.Log(2), chance["loss"]);
    }

    [Fact]
    public void Only_accuracy_has_a_chance_value_for_logodds_and_nothing_has_one_for_sequence_prob()
    {
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.5 }, FormatCatalog.AbsoluteLogOdds.Chance([2, 2]));
        Assert.Null(FormatCatalog.SequenceProb.Chance([0, 0]));
        Assert.False(FormatCatalog.SequenceProb.HasChance);
        Assert.Null(FormatCatalog.Classification.Chance([]));
    }

    [Theory]
    [InlineData(TaskFormat.Classification)]
    [InlineData(TaskFormat.SequenceProb)]
    [InlineData(TaskFormat.LogOdds)]
    [InlineData(TaskFormat.AbsoluteLogOdds)]
    public void Requests_follow_the_formats_request_shape(TaskFormat format)
    {
        var spec = format.Spec();
        foreach (var example in TaskFileReader.Read(OfficialFiles.Path(format, "jsonl"), format, TestContext.Current.CancellationToken))
        {
            var requests = RequestBuilder.For(example);
            var classes = example.CandidateClasses();
            IReadOnlyList<LoglikelihoodRequest> expected = spec.Requests switch
            {
                RequestShape.EachClassAfterPrompt => [.. classes.Select(c => new LoglikelihoodRequest(example.Prompt, c))],
                RequestShape.CompletionAfterPrompt => [new LoglikelihoodRequest(example.Prompt, ((SequenceProbExample)example).Completion)],
                RequestShape.EachClassAfterBothPrompts =>
                [
                    .. classes.Select(c => new LoglikelihoodRequest(example.Prompt, c)),
                    .. classes.Select(c => new LoglikelihoodRequest(((LogOddsExample)example).OtherPrompt, c)),
                ],
                _ => throw new ArgumentOutOfRangeException(nameof(format)),
            };
            Assert.Equal(expected, requests);
        }
    }

    [Fact]
    public void The_readme_documents_every_format_as_the_catalog_defines_it()
    {
        var readme = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        foreach (var format in FormatCatalog.All)
        {
            var row = Assert.Single(readme, line => line.StartsWith($"| `{format.Name}` |", StringComparison.Ordinal));
            var cells = row.Split(" | ");
            Assert.Equal(format.Fields, Regex.Matches(cells[1], "`([a-z_]+)`").Select(m => m.Groups[1].Value));
            Assert.Equal(string.Join(", ", format.Metrics.Select(m => $"`{m.Name}` ({m.Metric.Better.ToString().ToLowerInvariant()})")), cells[3]);
            Assert.StartsWith($"`{format.DefaultPrimaryMetric}`", cells[4]);
            Assert.All(format.PrimaryMetrics, m => Assert.Contains($"`{m}`", cells[4]));
            var chance = format.Metrics.Where(m => m.Chance.IsDefined).Select(m => $"{m.Name}: {m.Chance.Description}").ToList();
            Assert.Equal(chance.Count == 0 ? "undefined |" : string.Join("; ", chance) + " |", cells[5]);
        }
    }
}
