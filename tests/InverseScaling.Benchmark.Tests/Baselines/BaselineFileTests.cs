using System.Text;
using System.Text.Json;
using InverseScaling.Benchmark.Baselines;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Scaling;
using InverseScaling.Benchmark.Tasks;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Baselines;

public sealed class BaselineFileTests
{
    /// <summary>Checkpoints given largest first and every map out of order, to show that the file's order is fixed.</summary>
    private static Baseline TwoCheckpoints() => Baseline.Create(
        "reference", "modus-tollens", MetricNames.Accuracy, SizeMeasure.NonEmbeddingParameters,
        [
            new CheckpointMetrics("small", 1e7, new Dictionary<string, MetricValue>
            {
                [MetricNames.Loss] = new(0.6, 0.03, 400),
                [MetricNames.Accuracy] = new(0.75, 0.021, 400),
            }),
            new CheckpointMetrics("tiny", 1e6, new Dictionary<string, MetricValue>
            {
                [MetricNames.Loss] = new(0.5, 0.025, 400),
                [MetricNames.Accuracy] = new(0.81, 0.02, 400),
            }),
        ],
        new Dictionary<string, string> { ["tiny"] = "aa11", ["small"] = "bb22" },
        [
            new ScalingFit(MetricNames.Loss, 0.1, -0.1, 0.08, 0.12, 1.0, 2, Trend.InvertedU, null),
            new ScalingFit(MetricNames.Accuracy, -0.06, 1.17, -0.075, -0.045, 0.99, 2, Trend.Inverse, 0.5),
        ],
        BaselineSamples.Provenance());

    private const string TwoCheckpointsJson = """
        {
          "schemaVersion": 1,
          "family": "reference",
          "task": "modus-tollens",
          "primaryMetric": "accuracy",
          "sizeMeasure": "non-embedding-parameters",
          "checkpoints": [
            {
              "name": "tiny",
              "size": 1000000,
              "onnxSha256": "aa11",
              "metrics": {
                "accuracy": {
                  "mean": 0.81,
                  "standardError": 0.02,
                  "count": 400
                },
                "loss": {
                  "mean": 0.5,
                  "standardError": 0.025,
                  "count": 400
                }
              }
            },
            {
              "name": "small",
              "size": 10000000,
              "onnxSha256": "bb22",
              "metrics": {
                "accuracy": {
                  "mean": 0.75,
                  "standardError": 0.021,
                  "count": 400
                },
                "loss": {
                  "mean": 0.6,
                  "standardError": 0.03,
                  "count": 400
                }
              }
            }
          ],
          "fits": {
            "accuracy": {
              "slope": -0.06,
              "intercept": 1.17,
              "slopeLow": -0.075,
              "slopeHigh": -0.045,
              "rSquared": 0.99,
              "points": 2,
              "trend": "inverse",
              "chance": 0.5
            },
            "loss": {
              "slope": 0.1,
              "intercept": -0.1,
              "slopeLow": 0.08,
              "slopeHigh": 0.12,
              "rSquared": 1,
              "points": 2,
              "trend": "inverted-u"
            }
          },
          "provenance": {
            "suiteVersion": "0.1.0",
            "taskDataSha256": "dd44",
            "tokenizerSha256": {
              "merges.txt": "2222",
              "vocab.json": "1111"
            },
            "bootstrapSeed": 2023,
            "bootstrapResamples": 2000,
            "bootstrapConfidence": 0.95,
            "scoringOptions": {
              "batchSize": "8",
              "truncation": "left"
            }
          }
        }

        """;

    private readonly string _root = TestPaths.NewTempDirectory();

    private string WriteVerified(string family, string task, string text)
    {
        var path = Path.Combine(_root, family, task + BaselineStore.VerifiedSuffix);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Serializes_in_a_fixed_key_order_with_LF_and_a_final_newline()
    {
        Assert.Equal(TwoCheckpointsJson, BaselineStore.Serialize(TwoCheckpoints()));
    }

    [Fact]
    public void Round_trips_through_the_file_byte_for_byte()
    {
        var store = new BaselineStore(_root);
        var baseline = TwoCheckpoints();

        var written = store.WriteReceived(baseline);
        var bytes = File.ReadAllBytes(written);
        var read = BaselineStore.ReadFile(written, "reference", "modus-tollens");

        Assert.Equal(store.ReceivedPath("reference", "modus-tollens"), written);
        Assert.Equal(Encoding.UTF8.GetBytes(TwoCheckpointsJson), bytes);
        Assert.Equal(bytes, Encoding.UTF8.GetBytes(BaselineStore.Serialize(read)));
        Assert.Equal(new MetricValue(0.81, 0.02, 400), read.Checkpoints[0].Metrics[MetricNames.Accuracy]);
        Assert.Equal(Trend.InvertedU, read.Fits[MetricNames.Loss].Trend);
        Assert.Null(read.Fits[MetricNames.Loss].Chance);
        Assert.Equal(-0.06, read.PrimaryFit.Slope);
        Assert.Equal(0.015, read.PrimaryFit.HalfWidth, 1e-15);
    }

    [Fact]
    public void An_unchanged_run_writes_identical_bytes()
    {
        var store = new BaselineStore(_root);

        var first = File.ReadAllBytes(store.WriteReceived(TwoCheckpoints()));
        var second = File.ReadAllBytes(store.WriteReceived(TwoCheckpoints()));

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(Trend.Inverse, "inverse")]
    [InlineData(Trend.Positive, "positive")]
    [InlineData(Trend.Flat, "flat")]
    [InlineData(Trend.UShaped, "u-shaped")]
    [InlineData(Trend.InvertedU, "inverted-u")]
    public void Writes_trends_by_name(Trend trend, string name)
    {
        var json = JsonSerializer.Serialize(new BaselineFit(0, 0, 0, 0, 0, 2, trend, null), SuiteJson.Compact);

        Assert.Equal($$"""{"slope":0,"intercept":0,"slopeLow":0,"slopeHigh":0,"rSquared":0,"points":2,"trend":"{{name}}"}""", json);
        Assert.Equal(trend, JsonSerializer.Deserialize<BaselineFit>(json, SuiteJson.Compact)!.Trend);
        Assert.Equal(name, trend.ToName());
    }

    [Fact]
    public void Reading_corrupt_JSON_names_the_file_line_and_problem()
    {
        var path = WriteVerified("reference", "modus-tollens", "{\n  \"schemaVersion\": 1,\n  \"family\": \n}\n");

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("reference", "modus-tollens"));

        Assert.Equal(
            $"{path}:4: it is not a readable baseline: '}}' is an invalid start of a value. " +
            "Fix: restore it from git (git checkout -- <file>), or delete it, run the benchmark and accept the result",
            error.Message);
    }

    [Fact]
    public void Reading_a_value_of_the_wrong_type_names_the_field()
    {
        var text = TwoCheckpointsJson.Replace("\"size\": 1000000,", "\"size\": \"large\",", StringComparison.Ordinal);
        var path = WriteVerified("reference", "modus-tollens", text);

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("reference", "modus-tollens"));

        Assert.Equal(
            $"{path}:10 (checkpoints[0].size): it is not a readable baseline: the value has the wrong type. " +
            "Fix: restore it from git (git checkout -- <file>), or delete it, run the benchmark and accept the result",
            error.Message);
    }

    [Fact]
    public void Reading_an_unknown_schema_version_says_which_versions_are_read()
    {
        var path = WriteVerified("reference", "modus-tollens", TwoCheckpointsJson.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2", StringComparison.Ordinal));

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("reference", "modus-tollens"));

        Assert.Equal(
            $"{path} (schemaVersion): schema version 2 is not one this suite reads (it reads version 1). " +
            "Fix: run the benchmark with this suite and accept its result, or use the suite version that wrote the file",
            error.Message);
    }

    [Theory]
    [InlineData("\"schemaVersion\": \"1\"")]
    [InlineData("\"version\": 1")]
    public void Reading_a_file_without_a_numeric_schema_version_says_so(string replacement)
    {
        var path = WriteVerified("reference", "modus-tollens", TwoCheckpointsJson.Replace("\"schemaVersion\": 1", replacement, StringComparison.Ordinal));

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("reference", "modus-tollens"));

        Assert.Equal(
            $"{path} (schemaVersion): it has no whole-number schemaVersion. Fix: restore the file from git, or run the benchmark and accept its result",
            error.Message);
    }

    [Fact]
    public void Reading_a_baseline_of_another_family_names_both()
    {
        var path = WriteVerified("other", "modus-tollens", TwoCheckpointsJson);

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("other", "modus-tollens"));

        Assert.Equal(
            $"{path} (family): it is the baseline of family 'reference' but lies in the folder of family 'other'. " +
            "Fix: move it to baselines/reference/, or set family to 'other' if it was copied on purpose",
            error.Message);
    }

    [Fact]
    public void Reading_a_baseline_of_another_task_names_both()
    {
        var path = WriteVerified("reference", "memo-trap", TwoCheckpointsJson);

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("reference", "memo-trap"));

        Assert.Equal(
            $"{path} (task): it is the baseline of task 'modus-tollens' but is named for task 'memo-trap'. " +
            "Fix: rename it to modus-tollens.verified.json, or set task to 'memo-trap' if it was copied on purpose",
            error.Message);
    }

    [Fact]
    public void Reading_a_baseline_without_the_primary_metric_fit_names_the_field()
    {
        var text = TwoCheckpointsJson.Replace("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"total_logprob\"", StringComparison.Ordinal);
        var path = WriteVerified("reference", "modus-tollens", text);

        var error = Assert.Throws<BenchmarkInputException>(() => new BaselineStore(_root).TryReadVerified("reference", "modus-tollens"));

        Assert.Equal(
            $"{path} (checkpoints[0].metrics.total_logprob): it has no checkpoints[0].metrics.total_logprob. " +
            "Fix: restore the file from git, or run the benchmark and accept its result",
            error.Message);
    }

    [Fact]
    public void A_missing_verified_file_reads_as_no_baseline()
    {
        Assert.Null(new BaselineStore(_root).TryReadVerified("reference", "modus-tollens"));
    }

    [Fact]
    public void Create_refuses_a_checkpoint_without_an_onnx_hash_and_a_missing_primary_fit()
    {
        var checkpoints = new[] { new CheckpointMetrics("tiny", 1e6, new Dictionary<string, MetricValue> { [MetricNames.Accuracy] = new(0.8, 0.02, 400) }) };
        var fit = new ScalingFit(MetricNames.Loss, 0, 0, 0, 0, 1, 2, Trend.Flat, null);

        var noHash = Assert.Throws<ArgumentException>(() => Baseline.Create("reference", "modus-tollens", MetricNames.Accuracy,
            SizeMeasure.NonEmbeddingParameters, checkpoints, new Dictionary<string, string>(), [fit], BaselineSamples.Provenance()));
        var noFit = Assert.Throws<ArgumentException>(() => Baseline.Create("reference", "modus-tollens", MetricNames.Accuracy,
            SizeMeasure.NonEmbeddingParameters, checkpoints, new Dictionary<string, string> { ["tiny"] = "aa" }, [fit], BaselineSamples.Provenance()));
        var badName = Assert.Throws<ArgumentException>(() => Baseline.Create("../reference", "modus-tollens", MetricNames.Accuracy,
            SizeMeasure.NonEmbeddingParameters, checkpoints, new Dictionary<string, string> { ["tiny"] = "aa" }, [fit], BaselineSamples.Provenance()));

        Assert.Equal("no ONNX sha256 for checkpoint 'tiny' (Parameter 'onnxSha256')", noHash.Message);
        Assert.Equal("no fit for the primary metric 'accuracy' (Parameter 'fits')", noFit.Message);
        Assert.Equal("'../reference' is not a valid name: use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100 characters (Parameter 'family')", badName.Message);
    }
}
