using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Tasks;

public sealed class FewShotTests
{
    private static readonly SourceLocation Source = new("t.jsonl", 1);

    private static ClassificationExample Question(int i) =>
        new(i, Source with { Line = i + 1 }, $"Q{i}:", [" yes", " no"], i % 2);

    [Fact]
    public void One_shot_of_two_examples_gives_each_the_other_as_demonstration()
    {
        IReadOnlyList<TaskExample> examples =
        [
            new ClassificationExample(0, Source, "Is fire hot?", [" Yes", " No"], 0),
            new ClassificationExample(1, Source with { Line = 2 }, "Is ice hot?", [" Yes", " No"], 1),
        ];

        var shots = FewShot.Build(examples, shots: 1, seed: 3);

        Assert.Equal("Is ice hot? No\n\n\nIs fire hot?", shots[0].Prompt);
        Assert.Equal("Is fire hot? Yes\n\n\nIs ice hot?", shots[1].Prompt);
        Assert.Equal([" Yes", " No"], ((ClassificationExample)shots[0]).Classes);
        Assert.Equal(0, ((ClassificationExample)shots[0]).AnswerIndex);
        Assert.Equal(examples[1].Source, shots[1].Source);
        Assert.Equal(1, shots[1].Index);
    }

    [Fact]
    public void Sequence_prob_demonstrations_end_in_their_completion_and_logodds_prefix_both_prompts()
    {
        IReadOnlyList<TaskExample> sequences = [new SequenceProbExample(0, Source, "A:", " a"), new SequenceProbExample(1, Source, "B:", " b")];
        IReadOnlyList<TaskExample> logOdds =
        [
            new LogOddsExample(0, Source, "P0", "O0", [" x", " y"], 1),
            new LogOddsExample(1, Source, "P1", "O1", [" x", " y"], 0),
        ];

        var sequenceShots = FewShot.Build(sequences, 1, seed: 0);
        var logOddsShots = FewShot.Build(logOdds, 1, seed: 0).Cast<LogOddsExample>().ToList();

        Assert.Equal("B: b\n\n\nA:", sequenceShots[0].Prompt);
        Assert.Equal(" a", ((SequenceProbExample)sequenceShots[0]).Completion);
        Assert.Equal("P1 x\n\n\nP0", logOddsShots[0].Prompt);
        Assert.Equal("P1 x\n\n\nO0", logOddsShots[0].OtherPrompt);
        Assert.Equal("P0 y\n\n\nO1", logOddsShots[1].OtherPrompt);
    }

    [Fact]
    public void Each_prompt_gets_k_distinct_other_examples_then_its_own_prompt()
    {
        var examples = Enumerable.Range(0, 6).Select(i => (TaskExample)Question(i)).ToList();

        var shots = FewShot.Build(examples, shots: 5, seed: 11);

        for (var i = 0; i < examples.Count; i++)
        {
            var parts = shots[i].Prompt.Split(FewShot.Separator);
            Assert.Equal(6, parts.Length);
            Assert.Equal($"Q{i}:", parts[^1]);
            var expectedDemonstrations = Enumerable.Range(0, 6).Where(j => j != i).Select(j => $"Q{j}:" + (j % 2 == 0 ? " yes" : " no"));
            Assert.Equal(expectedDemonstrations.Order(), parts[..^1].Order());
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_prompts_and_another_seed_other_ones()
    {
        var examples = Enumerable.Range(0, 20).Select(i => (TaskExample)Question(i)).ToList();

        var first = FewShot.Build(examples, 3, seed: 42).Select(e => e.Prompt).ToList();
        var again = FewShot.Build(examples, 3, seed: 42).Select(e => e.Prompt).ToList();
        var other = FewShot.Build(examples, 3, seed: 43).Select(e => e.Prompt).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first.Select((p, i) => (p, i)), x =>
        {
            var parts = x.p.Split(FewShot.Separator);
            Assert.Equal(4, parts.Length);
            Assert.Equal(3, parts[..^1].Distinct().Count());
            Assert.DoesNotContain($"Q{x.i}:" + (x.i % 2 == 0 ? " yes" : " no"), parts);
        });
    }

    /// <summary>
    /// The draws are SplitMix64's (seed 7), not the runtime's <see cref="Random"/>. Derived outside the suite with a
    /// Python port of the documented procedure (SplitMix64; index = high word of the 64×64-bit product with the range;
    /// Floyd's sampling of 2 of the 4 others, then a Fisher–Yates shuffle): demonstrations 2,1 / 4,2 / 4,1 / 1,0 / 2,3.
    /// </summary>
    [Fact]
    public void Demonstrations_are_drawn_with_split_mix_64()
    {
        var examples = Enumerable.Range(0, 5).Select(i => (TaskExample)Question(i)).ToList();

        var prompts = FewShot.Build(examples, shots: 2, seed: 7).Select(e => e.Prompt).ToList();

        Assert.Equal(
        [
            "Q2: yes\n\n\nQ1: no\n\n\nQ0:",
            "Q4: yes\n\n\nQ2: yes\n\n\nQ1:",
            "Q4: yes\n\n\nQ1: no\n\n\nQ2:",
            "Q1: no\n\n\nQ0: yes\n\n\nQ3:",
            "Q2: yes\n\n\nQ3: no\n\n\nQ4:",
        ], prompts);
    }

    [Fact]
    public void Zero_shots_leave_the_examples_alone()
    {
        var examples = new List<TaskExample> { Question(0) };

        Assert.Same(examples, FewShot.Build(examples, 0, seed: 1));
    }

    [Fact]
    public void Too_few_examples_for_k_shots_are_refused()
    {
        var examples = Enumerable.Range(0, 3).Select(i => (TaskExample)Question(i)).ToList();

        var error = Assert.Throws<BenchmarkInputException>(() => FewShot.Build(examples, 3, seed: 1));

        Assert.Equal("t.jsonl (shots): 3-shot prompts need more than 3 examples to draw from, and there are 3. Fix: lower the number of shots or add examples", error.Message);
    }
}
