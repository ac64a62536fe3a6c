using System.Text;
using InverseScaling.Benchmark.Evaluation;
using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Metrics;
using InverseScaling.Benchmark.Runs;
using InverseScaling.Benchmark.IO;

namespace InverseScaling.Benchmark.Tests.Runs;

public sealed class UnitResultFilesTests
{
    private static readonly ScoringIdentity Scoring = new(new string('a', 64), new string('b', 64), 1024, new BosSpec("none", "<|endoftext|>"),
        "engine/kv-cache", "0.1.0+0123456789abcdef0123456789abcdef", "onnxruntime 1.22.0", "cpu:0");

    private static readonly UnitKey Key = new(
        "ckpt-1m", "neqa", false, Scoring, new string('d', 64), "classification", 20, 0, null, "non-embedding-parameters");

    private static readonly ExampleScore[] Scores =
    [
        new(0, 0.6123102094954858, true, 0, -5.516389071110752, [-6.128699280606238, -6.297487117634741]),
        new(1, 0.1, false, 1, -0.25, [-3.0, -0.1 - 0.2]),
        new(2, 7.25, null, null, null, [-7.25]),
    ];

    private static readonly EncodingStats Stats = new(5, 1, 0, 2);

    [Fact]
    public void A_saved_unit_loads_back_with_the_same_scores_bit_for_bit_and_the_same_files()
    {
        var store = new UnitResultFiles(TestPaths.NewTempDirectory());

        store.Save(Key, Result(Scores));
        var loaded = store.TryLoad(Key with { Scoring = Scoring with { Bos = new BosSpec("none", "<|endoftext|>") } });

        Assert.NotNull(loaded);
        Assert.Equal(Stats, loaded.Encoding);
        Assert.Equal(Scores.Length, loaded.Examples.Count);
        for (var i = 0; i < Scores.Length; i++)
        {
            var (e, a) = (Scores[i], loaded.Examples[i]);
            Assert.Equal((e.Index, e.Correct, e.Predicted), (a.Index, a.Correct, a.Predicted));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.Loss), BitConverter.DoubleToInt64Bits(a.Loss));
            Assert.Equal(e.TotalLogProbability, a.TotalLogProbability);
            Assert.Equal(e.ClassLogProbabilities, a.ClassLogProbabilities);
        }
        var examples = store.Folder.ExamplesPath("neqa", "ckpt-1m", control: false);
        Assert.Equal(ExampleScoreFile.Format(Scores), File.ReadAllText(examples));
        Assert.Equal(
            """{"index":2,"loss":7.25,"classLogProbabilities":[-7.25]}""",
            File.ReadAllLines(examples)[2]);
        Assert.True(File.Exists(Path.Combine(store.OutDirectory, "examples", "neqa", "ckpt-1m.unit.json")));
    }

    [Fact]
    public void A_unit_saved_under_another_key_is_not_loaded()
    {
        var store = new UnitResultFiles(TestPaths.NewTempDirectory());
        store.Save(Key, Result(Scores));

        Assert.Null(store.TryLoad(Key with { Limit = 21 }));
        Assert.Null(store.TryLoad(Key with { Scoring = Scoring with { ModelSha256 = new string('e', 64) } }));
        Assert.Null(store.TryLoad(Key with { Scoring = Scoring with { TokenizerSha256 = new string('c', 64) } }));
        Assert.Null(store.TryLoad(Key with { Scoring = Scoring with { Bos = new BosSpec("always", "<|endoftext|>") } }));
        Assert.Null(store.TryLoad(Key with { Scoring = Scoring with { Code = "0.1.0+fedcba9876543210fedcba9876543210" } }));
        Assert.Null(store.TryLoad(Key with { Scoring = Scoring with { Runtime = "onnxruntime 1.23.0" } }));
        Assert.Null(store.TryLoad(Key with { Scoring = Scoring with { Device = "cuda:0" } }));
        Assert.Null(store.TryLoad(Key with { Control = true }));
        Assert.Null(store.TryLoad(Key with { Shots = 3, ShotSeed = 1234 }));
        Assert.NotNull(store.TryLoad(Key));
    }

    [Fact]
    public void A_unit_whose_examples_file_changed_or_whose_state_is_missing_or_torn_is_scored_again()
    {
        var store = new UnitResultFiles(TestPaths.NewTempDirectory());
        store.Save(Key, Result(Scores));
        var examples = store.Folder.ExamplesPath("neqa", "ckpt-1m", control: false);
        var state = store.Folder.UnitStatePath("neqa", "ckpt-1m", control: false);
        var text = File.ReadAllText(examples);

        File.WriteAllText(examples, text.Replace("7.25,", "7.5,", StringComparison.Ordinal));
        Assert.Null(store.TryLoad(Key));
        File.WriteAllText(examples, text);
        Assert.NotNull(store.TryLoad(Key));

        var stateText = File.ReadAllText(state);
        File.WriteAllText(state, stateText[..(stateText.Length / 2)]);
        Assert.Null(store.TryLoad(Key));
        File.WriteAllText(state, stateText.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 1", StringComparison.Ordinal));
        Assert.Null(store.TryLoad(Key));
        File.Delete(state);
        Assert.Null(store.TryLoad(Key));
    }

    [Fact]
    public void Temporary_files_of_dead_writers_are_deleted_and_those_of_live_ones_kept()
    {
        var directory = TestPaths.NewTempDirectory();
        var nested = Directory.CreateDirectory(Path.Combine(directory, "examples", "neqa")).FullName;
        var dead = Path.Combine(nested, $".a.jsonl.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(nested, $".b.jsonl.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var unrelated = Path.Combine(nested, ".notes.tmp");
        foreach (var file in new[] { dead, live, unrelated }) File.WriteAllText(file, "partial");

        Assert.Equal(1, AtomicFile.DeleteAbandoned(directory));

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(unrelated));
    }

    [Fact]
    public void A_write_that_throws_leaves_the_old_file_and_no_temporary_file()
    {
        var directory = TestPaths.NewTempDirectory();
        var path = Path.Combine(directory, "summary.json");
        File.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new, half"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path, Encoding.UTF8));
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    private static CheckpointTaskResult Result(IReadOnlyList<ExampleScore> scores) =>
        new("ckpt-1m", 1e6, scores, new CheckpointMetrics("ckpt-1m", 1e6, new Dictionary<string, MetricValue>()), Stats);
}
