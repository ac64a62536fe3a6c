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

    [Theory]
    [InlineData("arm", "an")]
    [InlineData("egg", "an")]
    [InlineData("leg", "a")]
    [InlineData("card draw", "a")]
    public void Article_goes_by_the_first_letter(string word, string expected) => Assert.Equal(expected, GeneratedTaskKit.Article(word));

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

    [Fact]
    public void BalancedTwoWayRows_keeps_the_items_order_and_puts_gold_first_in_exactly_half()
    {
        var rows = GeneratedTaskKit.BalancedTwoWayRows(Enumerable.Range(0, 10).ToList(), new SeededRandom(7), i => ($"p{i}", " gold", " other"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"p{i}"), rows.Select(r => r.Prompt));
        Assert.All(rows, r => Assert.Equal(" gold", r.Classes[r.AnswerIndex]));
        Assert.All(rows, r => Assert.Equal(" other", r.Classes[1 - r.AnswerIndex]));
        Assert.Equal(5, rows.Count(r => r.AnswerIndex == 0));
    }

    [Fact]
    public void BalanceLine_gives_the_count_and_share_at_each_gold_position()
    {
        ClassificationRow[] rows = [new("p", [" a", " b"], 0), new("q", [" a", " b"], 0), new("r", [" a", " b"], 1)];
        Assert.Equal("3 examples; gold answer at index 0: 2 (66.7%), index 1: 1 (33.3%)", GeneratedTaskKit.BalanceLine(rows));
    }

    [Fact]
    public void EnsureQuality_names_the_task_the_set_and_the_broken_rule()
    {
        var rows = Enumerable.Range(0, 300).Select(i => new ClassificationRow($"p{i}", [" a", " b"], i % 2)).ToList();
        var control = Enumerable.Range(0, 150).Select(i => new ClassificationRow($"c{i % 149}", [" a", " b"], i % 2)).ToList();

        GeneratedTaskKit.EnsureQuality("t", rows, rows.Take(150).ToList());
        var error = Assert.Throws<InvalidOperationException>(() => GeneratedTaskKit.EnsureQuality("t", rows, control));
        Assert.Equal("t control: duplicate prompt 'c0'", error.Message);
        error = Assert.Throws<InvalidOperationException>(() => GeneratedTaskKit.EnsureQuality("t", rows.Take(299).ToList(), control));
        Assert.Equal("t data: 299 rows, expected 300–400", error.Message);
    }
}
