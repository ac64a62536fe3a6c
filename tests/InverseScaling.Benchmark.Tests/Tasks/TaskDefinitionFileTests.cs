using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Tasks;

public sealed class TaskDefinitionFileTests
{
    private const string Valid = """
        {
          "schemaVersion": 1,
          "name": "t",
          "format": "classification",
          "data": "t.jsonl",
          "primaryMetric": "accuracy",
          "metrics": ["accuracy", "loss"],
          "shots": 0
        }
        """;

    [Fact]
    public void Loads_every_field()
    {
        var definition = TaskDefinitionFile.Load(TestPaths.TestData("Tasks", "catalog", "zeta", "task.json"));

        Assert.Equal(1, definition.SchemaVersion);
        Assert.Equal("zeta", definition.Name);
        Assert.Equal("classification", definition.Format);
        Assert.Equal("zeta.jsonl", definition.Data);
        Assert.Equal("zeta-control.jsonl", definition.Control);
        Assert.Equal("accuracy", definition.PrimaryMetric);
        Assert.Equal(["accuracy", "loss"], definition.Metrics);
        Assert.Equal(0, definition.Shots);
        Assert.Equal("strong-prior", definition.Cause);
        Assert.Equal("Answer the question that was asked.", definition.CorrectBehaviour);
        Assert.Equal(0.5, definition.Chance!["accuracy"]);
        Assert.Equal(new GeneratorInfo("zeta", 1, 7), definition.Generator);
    }

    [Fact]
    public void Metrics_default_to_the_primary_metric()
    {
        var definition = TaskDefinitionFile.Parse(Valid.Replace("\"metrics\": [\"accuracy\", \"loss\"],", ""), "task.json");

        Assert.Equal(["accuracy"], definition.Metrics);
    }

    [Theory]
    [InlineData("\"format\": \"classification\"", "\"format\": \"multiple_choice\"",
        "task.json (format): unknown format \"multiple_choice\". Fix: use one of classification, sequence_prob, logodds, absolute_logodds")]
    [InlineData("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"acc\"",
        "task.json (primaryMetric): unknown metric \"acc\". Fix: use one of loss, accuracy")]
    [InlineData("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"total_logprob\"",
        "task.json (primaryMetric): metric \"total_logprob\" cannot be the primary metric of the classification format. Fix: use one of loss, accuracy")]
    [InlineData("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"logodds_difference\"",
        "task.json (primaryMetric): metric \"logodds_difference\" is not defined for the classification format. Fix: use one of loss, accuracy")]
    [InlineData("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"acc\\nerror: injected\"",
        "task.json (primaryMetric): unknown metric \"acc\\nerror: injected\". Fix: use one of loss, accuracy")]
    [InlineData("[\"accuracy\", \"loss\"]", "[\"accuracy\", \"brier\"]",
        "task.json (metrics): unknown metric \"brier\". Fix: use one of accuracy, loss, total_logprob")]
    [InlineData("[\"accuracy\", \"loss\"]", "[\"accuracy\", \"logodds_difference\"]",
        "task.json (metrics): metric \"logodds_difference\" is not defined for the classification format. Fix: use one of accuracy, loss, total_logprob")]
    [InlineData("[\"accuracy\", \"loss\"]", "[\"loss\"]",
        "task.json (metrics): primaryMetric \"accuracy\" is not listed in metrics. Fix: add \"accuracy\" to metrics")]
    [InlineData("\"shots\": 0", "\"shots\": 0, \"cause\": \"bad-luck\"",
        "task.json (cause): unknown cause \"bad-luck\". Fix: use one of strong-prior, unwanted-imitation, distractor-task, spurious-few-shot, or leave it out")]
    [InlineData("\"schemaVersion\": 1", "\"schemaVersion\": 2",
        "task.json (schemaVersion): schemaVersion 2 is not supported (this suite reads 1). Fix: write \"schemaVersion\": 1, or update the suite")]
    [InlineData("\"format\": \"classification\",", "",
        "task.json (format): missing field \"format\". Fix: add \"format\" to the task card")]
    [InlineData("\"data\": \"t.jsonl\"", "\"data\": null",
        "task.json (data): missing field \"data\". Fix: add \"data\" to the task card")]
    [InlineData("\"shots\": 0", "\"shots\": -1",
        "task.json (shots): shots is -1. Fix: give 0 for zero-shot or the number of demonstrations in each prompt")]
    [InlineData("\"shots\": 0", "\"shots\": 0, \"chance\": {\"acc\": 0.5}",
        "task.json (chance): unknown metric \"acc\". Fix: use one of accuracy, loss, total_logprob")]
    [InlineData("\"shots\": 0", "\"shots\": \"none\"",
        "task.json:8 (shots): \"shots\" has the wrong type (found the string \"none\"). Fix: give \"shots\" the type the task card expects (see any task.json under tasks/)")]
    public void Invalid_cards_are_refused_naming_the_field(string find, string replace, string expected)
    {
        var text = Valid.Replace(find, replace);
        Assert.NotEqual(Valid, text);

        var error = Assert.Throws<BenchmarkInputException>(() => TaskDefinitionFile.Parse(text, "task.json"));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Broken_json_is_refused_with_its_line()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => TaskDefinitionFile.Parse(Valid.Replace("\"shots\": 0", "\"shots\": 0,"), "task.json"));

        Assert.Equal("task.json:9: task.json is not valid JSON: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options. Fix: write the task card as one JSON object", error.Message);
    }

    [Fact]
    public void Sequence_prob_cards_only_take_loss()
    {
        var text = Valid.Replace("classification", "sequence_prob");

        var error = Assert.Throws<BenchmarkInputException>(() => TaskDefinitionFile.Parse(text, "task.json"));

        Assert.Equal("task.json (primaryMetric): metric \"accuracy\" is not defined for the sequence_prob format. Fix: use one of loss", error.Message);
    }

    [Theory]
    [InlineData("logodds")]
    [InlineData("absolute_logodds")]
    public void Logodds_cards_gate_on_the_logodds_difference(string format)
    {
        var text = Valid.Replace("\"classification\"", $"\"{format}\"").Replace("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"logodds_difference\"")
            .Replace("[\"accuracy\", \"loss\"]", "[\"logodds_difference\", \"accuracy\", \"total_logprob\"]");

        var definition = TaskDefinitionFile.Parse(text, "task.json");

        Assert.Equal(format, definition.Format);
        Assert.Equal("logodds_difference", definition.PrimaryMetric);
        Assert.Equal(["logodds_difference", "accuracy", "total_logprob"], definition.Metrics);
    }

    [Fact]
    public void Logodds_cards_have_no_loss()
    {
        var text = Valid.Replace("\"classification\"", "\"logodds\"").Replace("\"primaryMetric\": \"accuracy\"", "\"primaryMetric\": \"loss\"");

        var error = Assert.Throws<BenchmarkInputException>(() => TaskDefinitionFile.Parse(text, "task.json"));

        Assert.Equal("task.json (primaryMetric): metric \"loss\" is not defined for the logodds format. Fix: use one of logodds_difference, accuracy", error.Message);
    }

    [Fact]
    public void A_missing_card_names_the_file_and_the_fix()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "task.json");

        var error = Assert.Throws<BenchmarkInputException>(() => TaskDefinitionFile.Load(path));

        Assert.Equal($"{path}: the task card does not exist. Fix: add a task.json beside the task's data (see any folder under tasks/)", error.Message);
    }

    [Fact]
    public void A_card_that_is_a_folder_is_refused()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "task.json");
        Directory.CreateDirectory(path);

        var error = Assert.Throws<BenchmarkInputException>(() => TaskDefinitionFile.Load(path));

        Assert.Equal($"{path}: the task card is a folder, not a file. Fix: add a task.json beside the task's data (see any folder under tasks/)", error.Message);
    }
}
