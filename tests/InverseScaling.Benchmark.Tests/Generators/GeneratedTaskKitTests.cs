using InverseScaling.Benchmark.Generators.Framework;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class GeneratedTaskKitTests
{
    [Theory]
    [InlineData(1, "1st")]
    [InlineData(2, "2nd")]
    [InlineData(3, "3rd")]
    [InlineData(4, "4th")]
    [InlineData(11, "11th")]
    [InlineData(12, "12th")]
    [InlineData(13, "13th")]
    [InlineData(21, "21st")]
    [InlineData(112, "112th")]
    public void Ordinal_uses_the_english_suffix(int n, string expected) => Assert.Equal(expected, GeneratedTaskKit.Ordinal(n));

    [Fact]
    public void Chance_of_two_and_four_class_rows_is_the_mean_of_one_over_n_and_of_ln_n()
    {
        ClassificationRow[] rows = [new("p", [" a", " b"], 0), new("q", [" a", " b", " c", " d"], 2)];
        var chance = GeneratedTaskKit.Chance(rows);
        Assert.Equal(0.375, chance["accuracy"], 15);
        Assert.Equal((Math.Log(2) + Math.Log(4)) / 2, chance["loss"], 15);
    }

    [Fact]
    public void Chance_of_uniform_two_class_rows_is_exactly_ln_2()
    {
        var rows = Enumerable.Range(0, 360).Select(i => new ClassificationRow($"p{i}", [" a", " b"], i % 2)).ToList();
        Assert.Equal(Math.Log(2), GeneratedTaskKit.Chance(rows)["loss"]);
    }

    [Fact]
    public void Balanced_gold_indices_use_each_position_equally_often()
    {
        var indices = GeneratedTaskKit.BalancedGoldIndices(301, 3, new SeededRandom(7));
        Assert.Equal([101, 100, 100], Enumerable.Range(0, 3).Select(k => indices.Count(i => i == k)));
    }

    [Fact]
    public void PlaceGold_inserts_the_gold_class_at_its_index()
    {
        var row = GeneratedTaskKit.PlaceGold("p", " gold", [" x", " y"], 1);
        Assert.Equal([" x", " gold", " y"], row.Classes);
        Assert.Equal(1, row.AnswerIndex);
    }

    [Fact]
    public void Unique_refuses_when_the_templates_run_out()
    {
        var n = 0;
        var error = Assert.Throws<InvalidOperationException>(() => GeneratedTaskKit.Unique(5, () => n++ % 3, i => i.ToString(), maxAttempts: 50));
        Assert.Equal("only 3 distinct items after 50 attempts; 5 were asked for", error.Message);
    }
}
