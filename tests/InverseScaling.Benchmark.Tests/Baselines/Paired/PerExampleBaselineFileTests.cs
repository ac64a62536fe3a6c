using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Baselines.Paired;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;

namespace InverseScaling.Benchmark.Tests.Baselines.Paired;

public sealed class PerExampleBaselineFileTests
{
    internal const string Sha = "c5e130877fa3f3fc409b1950c7467c1800613ec2072e231dd4c8515a32ef114f";

    private static PerExampleBaseline Small() => PerExampleBaseline.Create(
        "reference", "neqa", MetricNames.Loss, Sha.ToUpperInvariant(),
        ["tiny", "small"], [0, 2, 7],
        [[0.123456789, 1.0, -0.00000001], [2.00000004, 12.5, 0.00000016]]);

    private const string SmallText =
        "# Per-example loss behind neqa.verified.json (the summary). The gate pairs each example of a run with its row.\n" +
        "schemaVersion\t1\n" +
        "family\treference\n" +
        "task\tneqa\n" +
        "metric\tloss\n" +
        "taskDataSha256\t" + Sha + "\n" +
        "decimals\t7\n" +
        "index\ttiny\tsmall\n" +
        "0\t0.1234568\t2\n" +
        "2\t1\t12.5\n" +
        "7\t0\t0.0000002\n";

    [Fact]
    public void Writes_a_header_and_a_row_per_example_at_seven_decimals()
    {
        // 0.123456789 → 0.1234568; 2.00000004 → 2; 1.6e-7 → 2e-7; −1e-8 → 0, not −0; no trailing zeros, no exponent.
        Assert.Equal(SmallText, PerExampleBaselineFile.Format(Small()));
    }

    [Fact]
    public void Reads_back_what_it_writes()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "neqa" + PerExampleBaselineFile.VerifiedSuffix);
        PerExampleBaselineFile.Write(path, Small());

        var read = PerExampleBaselineFile.Read(path, "reference", "neqa");

        Assert.Equal(SmallText, File.ReadAllText(path));
        Assert.Equal(("reference", "neqa", "loss", Sha, 7), (read.Family, read.Task, read.Metric, read.TaskDataSha256, read.Decimals));
        Assert.Equal(["tiny", "small"], read.Checkpoints);
        Assert.Equal([0, 2, 7], read.Indices);
        Assert.Equal([0.1234568, 1, 0], read.Values[0]);
        Assert.Equal([2, 12.5, 0.0000002], read.Values[1]);
        Assert.Equal(SmallText, PerExampleBaselineFile.Format(read));
    }

    [Fact]
    public void Line_ends_written_by_a_Windows_checkout_are_read()
    {
        var read = PerExampleBaselineFile.Parse(SmallText.Replace("\n", "\r\n"), "x.tsv", "reference", "neqa");
        Assert.Equal([2, 12.5, 0.0000002], read.Values[1]);
    }

    [Fact]
    public void Its_name_sorts_after_the_summary_so_a_diff_shows_the_summary_first()
    {
        foreach (var task in new[] { "neqa", "sig-figs" })
            Assert.True(string.CompareOrdinal(task + BaselineStore.VerifiedSuffix, task + PerExampleBaselineFile.VerifiedSuffix) < 0);
        Assert.True(string.CompareOrdinal("neqa" + PerExampleBaselineFile.VerifiedSuffix, "neqb" + BaselineStore.VerifiedSuffix) < 0);
    }

    [Fact]
    public void Builds_from_scores_in_index_order_and_refuses_misaligned_checkpoints()
    {
        ExampleScore Score(int index, double loss) => new(index, loss, loss < 0.7, 0, -1, [-1, -2]);
        var tiny = new[] { Score(3, 0.5), Score(1, 0.9) };
        var small = new[] { Score(1, 0.6), Score(3, 0.4) };

        var built = PerExampleBaseline.FromScores("reference", "neqa", MetricNames.Accuracy, Sha, [("tiny", tiny), ("small", small)]);

        Assert.Equal([1, 3], built.Indices);
        Assert.Equal([0.0, 1.0], built.Values[0]);
        Assert.Equal([1.0, 1.0], built.Values[1]);
        Assert.Throws<ArgumentException>(() => PerExampleBaseline.FromScores("reference", "neqa", MetricNames.Loss, Sha,
            [("tiny", tiny), ("small", new[] { Score(1, 0.6), Score(4, 0.4) })]));
    }

    [Fact]
    public void Refuses_non_finite_values_when_built()
    {
        Assert.Throws<ArgumentException>(() => PerExampleBaseline.Create("reference", "neqa", "loss", Sha, ["a"], [0], [[double.NaN]]));
        Assert.Throws<ArgumentException>(() => PerExampleBaseline.Create("reference", "neqa", "loss", Sha, ["a"], [0, 0], [[1, 2]]));
        Assert.Throws<ArgumentException>(() => PerExampleBaseline.Create("reference", "neqa", "loss", "abc", ["a"], [0], [[1]]));
    }

    public static TheoryData<string, string, string, int, string?> BadFiles => new()
    {
        { "no header", "schemaVersion\t1\n", "", 2, "schemaVersion" },
        { "a header key missing", "metric\tloss\n", "", 5, "metric" },
        { "a header without value", "metric\tloss\n", "metric\n", 5, "metric" },
        { "unknown schema", "schemaVersion\t1\n", "schemaVersion\t2\n", 2, "schemaVersion" },
        { "another family", "family\treference\n", "family\tother\n", 3, "family" },
        { "another task", "task\tneqa\n", "task\tmemo-trap\n", 4, "task" },
        { "a bad hash", "taskDataSha256\t" + Sha + "\n", "taskDataSha256\tabc\n", 6, "taskDataSha256" },
        { "too many decimals", "decimals\t7\n", "decimals\t16\n", 7, "decimals" },
        { "no column line", "index\ttiny\tsmall\n", "", 8, "index" },
        { "a checkpoint twice", "index\ttiny\tsmall\n", "index\ttiny\ttiny\n", 8, "tiny" },
        { "a short row", "2\t1\t12.5\n", "2\t1\n", 10, null },
        { "a NaN", "2\t1\t12.5\n", "2\t1\tNaN\n", 10, "small" },
        { "an infinity", "2\t1\t12.5\n", "2\tInfinity\t12.5\n", 10, "tiny" },
        { "an overflow", "2\t1\t12.5\n", "2\t1\t1" + new string('0', 400) + "\n", 10, "small" },
        { "an exponent", "2\t1\t12.5\n", "2\t1\t1e3\n", 10, "small" },
        { "a text value", "2\t1\t12.5\n", "2\tone\t12.5\n", 10, "tiny" },
        { "a negative index", "2\t1\t12.5\n", "-2\t1\t12.5\n", 10, "index" },
        { "indices out of order", "2\t1\t12.5\n", "0\t1\t12.5\n", 10, "index" },
        { "an empty line between rows", "2\t1\t12.5\n", "\n2\t1\t12.5\n", 10, null },
        { "no rows", "0\t0.1234568\t2\n2\t1\t12.5\n7\t0\t0.0000002\n", "", 9, null },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_one_input_error_naming_line_field_and_fix(string what, string replace, string with, int line, string? field)
    {
        Assert.Contains(replace, SmallText);
        var text = SmallText.Replace(replace, with);

        var error = Assert.Throws<BenchmarkInputException>(() => PerExampleBaselineFile.Parse(text, "baselines/reference/neqa.verified.per-example.tsv", "reference", "neqa"));

        Assert.True(error.Line == line, $"{what}: line {error.Line}, expected {line} ({error.Message})");
        Assert.True(error.Field == field, $"{what}: field {error.Field}, expected {field} ({error.Message})");
        Assert.StartsWith($"baselines/reference/neqa.verified.per-example.tsv:{line}", error.Message);
        Assert.Contains("Fix: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_missing_file_or_a_folder_is_an_input_error()
    {
        var folder = TestPaths.NewTempDirectory();
        Assert.Throws<BenchmarkInputException>(() => PerExampleBaselineFile.Read(Path.Combine(folder, "neqa.verified.per-example.tsv"), "reference", "neqa"));
        Assert.Throws<BenchmarkInputException>(() => PerExampleBaselineFile.Read(folder, "reference", "neqa"));
    }

    [Fact]
    public void Echoes_only_a_short_escaped_excerpt_of_a_bad_value()
    {
        var text = SmallText.Replace("2\t1\t12.5\n", "2\t1\t::error \"" + new string('x', 500) + "\n");

        var error = Assert.Throws<BenchmarkInputException>(() => PerExampleBaselineFile.Parse(text, "f.tsv", "reference", "neqa"));

        Assert.Contains("\"::error \\\"xxx", error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
    }
}
