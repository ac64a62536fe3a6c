using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Tasks;

public sealed class TaskCatalogTests
{
    private static readonly string Catalog = TestPaths.TestData("Tasks", "catalog");

    [Fact]
    public void Discovers_every_task_card_ordered_by_name()
    {
        var tasks = TaskCatalog.Discover(Catalog);

        Assert.Equal(["alpha", "zeta"], tasks.Select(t => t.Name));
        var zeta = tasks[1];
        Assert.Equal(Path.Combine(Catalog, "zeta"), zeta.Directory);
        Assert.Equal(Path.Combine(Catalog, "zeta", "zeta.jsonl"), zeta.DataPath);
        Assert.Equal(Path.Combine(Catalog, "zeta", "zeta-control.jsonl"), zeta.ControlPath);
        Assert.Equal(TaskFormat.Classification, zeta.Format);
        Assert.Null(tasks[0].ControlPath);
        Assert.Equal(TaskFormat.SequenceProb, tasks[0].Format);
    }

    [Fact]
    public void A_task_reads_its_examples_and_control_set()
    {
        var zeta = TaskCatalog.Load(Path.Combine(Catalog, "zeta"));

        var example = Assert.IsType<ClassificationExample>(Assert.Single(zeta.ReadExamples(TestContext.Current.CancellationToken)));
        var control = Assert.IsType<ClassificationExample>(Assert.Single(zeta.ReadControl(TestContext.Current.CancellationToken)));

        Assert.Equal("Q: Is fire cold?\nA:", example.Prompt);
        Assert.Equal(1, example.AnswerIndex);
        Assert.Equal("Q: Is ice cold?\nA:", control.Prompt);
        Assert.Equal(0, control.AnswerIndex);
    }

    [Fact]
    public void Resolves_names_folders_cards_and_data_files_in_the_order_given()
    {
        var stray = Path.Combine(Catalog, "no-card", "stray_classification.jsonl");

        var tasks = TaskCatalog.Resolve(["zeta", Path.Combine(Catalog, "alpha", "task.json"), stray], Catalog);

        Assert.Equal(["zeta", "alpha", "stray"], tasks.Select(t => t.Name));
        Assert.Equal(Path.Combine(Catalog, "alpha"), tasks[1].Directory);
        Assert.Equal(stray, tasks[2].DataPath);
    }

    [Fact]
    public void A_tasks_own_data_file_resolves_to_the_task_with_its_card()
    {
        var task = Assert.Single(TaskCatalog.Resolve([Path.Combine(Catalog, "zeta", "zeta.jsonl")], Catalog));

        Assert.Equal("zeta", task.Name);
        Assert.Equal("strong-prior", task.Definition.Cause);
        Assert.Equal(Path.Combine(Catalog, "zeta", "zeta-control.jsonl"), task.ControlPath);
    }

    [Fact]
    public void A_bare_data_file_gets_a_card_inferred_from_its_name_and_rows()
    {
        var task = TaskCatalog.FromDataFile(TestPaths.TestData("Tasks", "sample_classification.jsonl"), TestContext.Current.CancellationToken);
        var definition = task.Definition;

        Assert.Equal("sample", definition.Name);
        Assert.Equal("classification", definition.Format);
        Assert.Equal("sample_classification.jsonl", definition.Data);
        Assert.Equal("loss", definition.PrimaryMetric);
        Assert.Equal(["accuracy", "loss", "total_logprob"], definition.Metrics);
        Assert.Equal(0, definition.Shots);
        Assert.Null(task.ControlPath);
        // Rows with 2, 2 and 3 classes.
        Assert.Equal((1 / 2.0 + 1 / 2.0 + 1 / 3.0) / 3, definition.Chance!["accuracy"], 12);
        Assert.Equal((Math.Log(2) + Math.Log(2) + Math.Log(3)) / 3, definition.Chance["loss"], 12);
    }

    [Fact]
    public void A_bare_sequence_prob_file_is_scored_by_loss_without_chance()
    {
        var definition = TaskCatalog.FromDataFile(TestPaths.TestData("Tasks", "sample_sequence-probability.csv"), TestContext.Current.CancellationToken).Definition;

        Assert.Equal("sequence_prob", definition.Format);
        Assert.Equal("loss", definition.PrimaryMetric);
        Assert.Equal(["loss"], definition.Metrics);
        Assert.Null(definition.Chance);
    }

    [Theory]
    [InlineData("sample_absolute-logodds.jsonl", "absolute_logodds")]
    [InlineData("sample_logodds.csv", "logodds")]
    public void A_bare_logodds_file_is_scored_by_the_logodds_difference(string file, string format)
    {
        var definition = TaskCatalog.FromDataFile(TestPaths.TestData("Tasks", file), TestContext.Current.CancellationToken).Definition;

        Assert.Equal(format, definition.Format);
        Assert.Equal("logodds_difference", definition.PrimaryMetric);
        Assert.Equal(["logodds_difference", "accuracy", "total_logprob"], definition.Metrics);
        // Two classes per row: a uniform guess is right half the time; the log-odds difference has no chance value.
        Assert.Equal(new Dictionary<string, double> { ["accuracy"] = 0.5 }, definition.Chance);
    }

    [Fact]
    public void An_unknown_name_suggests_the_closest_task()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => TaskCatalog.Resolve(["zetta"], Catalog));

        Assert.Equal($"{Catalog} (--tasks): no task named \"zetta\"; did you mean \"zeta\"?. Fix: use one of alpha, zeta, or a path to a task folder or data file", error.Message);
    }

    [Fact]
    public void A_task_listed_twice_is_refused()
    {
        var error = Assert.Throws<BenchmarkInputException>(() => TaskCatalog.Resolve(["zeta", Path.Combine(Catalog, "zeta")], Catalog));

        Assert.Equal($"{Path.Combine(Catalog, "zeta")} (--tasks): task \"zeta\" is listed more than once. Fix: list each task once", error.Message);
    }

    [Fact]
    public void A_folder_without_a_card_is_refused()
    {
        var folder = Path.Combine(Catalog, "no-card");

        var error = Assert.Throws<BenchmarkInputException>(() => TaskCatalog.Resolve([folder], Catalog));

        Assert.Equal($"{folder} (--tasks): the folder has no task.json. Fix: give the task's data file instead, or add a task.json", error.Message);
    }

    [Fact]
    public void A_card_whose_name_differs_from_its_folder_is_refused()
    {
        var card = TempFile.Write(Path.Combine("renamed", "task.json"), File.ReadAllText(Path.Combine(Catalog, "zeta", "task.json")));

        var error = Assert.Throws<BenchmarkInputException>(() => TaskCatalog.Load(Path.GetDirectoryName(card)!));

        Assert.Equal($"{card} (name): name \"zeta\" differs from the folder name \"renamed\". Fix: name the folder after the task, or fix \"name\"", error.Message);
    }

    [Fact]
    public void A_card_whose_data_is_missing_is_refused()
    {
        var card = TempFile.Write(Path.Combine("zeta", "task.json"), File.ReadAllText(Path.Combine(Catalog, "zeta", "task.json")));
        var folder = Path.GetDirectoryName(card)!;

        var error = Assert.Throws<BenchmarkInputException>(() => TaskCatalog.Load(folder));

        Assert.Equal($"{card} (data): data file \"zeta.jsonl\" does not exist. Fix: put the file in {folder} or fix \"data\"", error.Message);
    }
}
