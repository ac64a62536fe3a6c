using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Generators.Framework;
using InverseScaling.Benchmark.Generators.Tasks;

namespace InverseScaling.Benchmark.Tests.Generators;

public sealed class SayingsTests
{
    [Fact]
    public void Splits_a_saying_before_its_final_word_and_keeps_the_punctuation()
    {
        var sources = Write("A horse! A horse! My kingdom for a horse!\nLook before you leap.\n", "horse\tdonkey ox mule\nleap\tjump speak sign\n");
        var sayings = Sayings.Load(sources);
        Assert.Equal(2, sayings.Count);
        Assert.Equal("A horse! A horse! My kingdom for a", sayings[0].Stem);
        Assert.Equal(" horse!", sayings[0].Ending);
        Assert.Equal(" ox!", sayings[0].EndingWith("ox"));
        Assert.Equal("Look before you sign.", sayings[1].TextWith("sign"));
        Assert.Equal(["jump", "speak", "sign"], sayings[1].Substitutes);
        Assert.Equal(2, sayings[1].Line);
    }

    [Fact]
    public void A_saying_without_a_plain_final_word_is_refused_with_its_line()
    {
        var sources = Write("Look before you leap.\nThe end is nigh...\n", "leap\tjump speak sign\n");
        var error = Assert.Throws<BenchmarkInputException>(() => Sayings.Load(sources));
        Assert.Equal(
            $"{Path.Combine(sources.Directory, "sayings.txt")}:2: 'The end is nigh...' does not end in a space, a plain word and one of . ! ?. " +
            "Fix: write one saying per line, ending in a plain alphabetic word immediately followed by its punctuation",
            error.Message);
    }

    [Fact]
    public void A_final_word_without_substitutes_is_refused()
    {
        var sources = Write("Look before you leap.\n", "jump\tleap speak sign\n");
        var error = Assert.Throws<BenchmarkInputException>(() => Sayings.Load(sources));
        Assert.Equal(1, error.Line);
        Assert.Equal("the final word 'leap' has no substitutes in saying-substitutes.tsv", error.Problem);
    }

    [Fact]
    public void A_substitute_sharing_the_first_letter_is_refused()
    {
        var sources = Write("Look before you leap.\n", "# comment\nleap\tjump lunge sign\n");
        var error = Assert.Throws<BenchmarkInputException>(() => Sayings.Load(sources));
        Assert.Equal(2, error.Line);
        Assert.Equal("leap", error.Field);
        Assert.Equal("the substitute 'lunge' starts with the same letter as 'leap', so the two classes may share their first token", error.Problem);
    }

    [Fact]
    public void A_substitute_line_with_two_words_is_refused()
    {
        var sources = Write("Look before you leap.\n", "leap\tjump sign\n");
        var error = Assert.Throws<BenchmarkInputException>(() => Sayings.Load(sources));
        Assert.Equal("'leap\tjump sign' is not a word, a tab and three space-separated words", error.Problem);
    }

    [Fact]
    public void Committed_sources_cover_every_saying()
    {
        var sayings = Sayings.Load(GeneratorSources.Find(TestPaths.RepositoryRoot));
        Assert.Equal(334, sayings.Count);
        Assert.All(sayings, s => Assert.Equal(3, s.Substitutes.Distinct().Count()));
    }

    private static GeneratorSources Write(string sayings, string substitutes)
    {
        var directory = TestPaths.NewTempDirectory();
        File.WriteAllText(Path.Combine(directory, "sayings.txt"), sayings);
        File.WriteAllText(Path.Combine(directory, "saying-substitutes.tsv"), substitutes);
        return new GeneratorSources(directory);
    }
}
