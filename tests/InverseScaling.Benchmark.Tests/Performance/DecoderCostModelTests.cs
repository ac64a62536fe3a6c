using InverseScaling.Benchmark.Performance;
using InverseScaling.Benchmark.Scoring;

namespace InverseScaling.Benchmark.Tests.Performance;

public sealed class DecoderCostModelTests
{
    // GPT-2 small: N_nonemb 85,056,000, d 768, V 50,257, 12 layers of 12 heads × 64.
    private static readonly DecoderCostModel Gpt2Small = new(85_056_000, 768, 50_257, new KeyValueShape(12, 12, 64));

    [Fact]
    public void Gpt2_smalls_head_is_45_percent_of_a_tokens_body()
    {
        Assert.Equal(170_112_000, Gpt2Small.BodyPerToken);
        Assert.Equal(77_194_752, Gpt2Small.HeadPerPosition); // 2 · 768 · 50,257
        Assert.Equal(36_864, Gpt2Small.AttentionPerPair); // 4 · 12 · 768
        Assert.Equal(0.45379, Gpt2Small.HeadToBody, 5);
    }

    [Fact]
    public void A_151936_vocabulary_makes_the_head_larger_than_the_body()
    {
        var wide = Gpt2Small with { Vocabulary = 151_936 };

        Assert.Equal(233_373_696, wide.HeadPerPosition); // 2 · 768 · 151,936
        Assert.Equal(1.37188, wide.HeadToBody, 5);
    }

    [Fact]
    public void Logits_at_every_position_split_into_body_head_attention_and_padding_with_the_head_run_on_padding_too()
    {
        // 100 real tokens of one causal sequence (100·101/2 = 5,050 pairs), 20 padding slots, 10 scored positions.
        var statistics = ScoringStatistics.Empty with { Tokens = 100, LogitPositions = 100, AttentionPairs = 5_050, PaddedTokens = 20 };

        var split = Gpt2Small.Split(statistics, 10);

        Assert.Equal(17_011_200_000, split.Body);
        Assert.Equal(7_719_475_200, split.Head);
        Assert.Equal(186_163_200, split.Attention);
        Assert.Equal(4_946_135_040, split.Padding); // 20 · (170,112,000 + 77,194,752)
        Assert.Equal(771_947_520, split.ScoredHead);
        Assert.Equal(24_916_838_400, split.Total);
        Assert.Equal(17_969_310_720, split.Useful);
        Assert.Equal(7_719_475_200 / 24_916_838_400.0, split.HeadShare, 12);
        var flops = new ForwardFlops(85_056_000, 768, 50_257, new KeyValueShape(12, 12, 64));
        Assert.Equal(flops.Of(statistics), split.Total);
        Assert.Equal(Gpt2Small, DecoderCostModel.From(flops));
    }

    [Fact]
    public void With_logits_only_at_some_positions_padding_costs_the_body_alone()
    {
        var statistics = ScoringStatistics.Empty with { Tokens = 100, LogitPositions = 10, PaddedTokens = 20 };

        var split = Gpt2Small.Split(statistics, 10);

        Assert.Equal(3_402_240_000, split.Padding); // 20 · 170,112,000
        Assert.Equal(771_947_520, split.Head);
        Assert.Equal(split.Total, split.Useful);
        Assert.Equal(0, split.Attention);
    }
}
