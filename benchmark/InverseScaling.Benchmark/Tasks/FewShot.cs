using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Randomness;

namespace InverseScaling.Benchmark.Tasks;

/// <summary>
/// Few-shot variants built the official way: each example gets <c>k</c> other examples, drawn without replacement
/// with <see cref="SplitMix64"/> seeded by the run, each followed by its gold answer, joined to the example's prompt by three newlines.
/// </summary>
internal static class FewShot
{
    public const string Separator = "\n\n\n";

    /// <summary>The examples with <paramref name="shots"/> demonstrations before each prompt (and other prompt). Same seed, same text.</summary>
    public static IReadOnlyList<TaskExample> Build(IReadOnlyList<TaskExample> examples, int shots, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        if (shots == 0) return examples;
        if (shots >= examples.Count)
        {
            throw new BenchmarkInputException(examples.Count > 0 ? examples[0].Source.File : "(no examples)",
                $"{shots}-shot prompts need more than {shots} examples to draw from, and there are {examples.Count}",
                "lower the number of shots or add examples", field: "shots");
        }

        var random = new SplitMix64(unchecked((ulong)seed));
        var chosen = new HashSet<int>();
        var order = new int[shots];
        var result = new TaskExample[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            SampleOthers(ref random, examples.Count, i, chosen, order);
            var demonstrations = string.Join(Separator, order.Select(j => Demonstration(examples[j])));
            result[i] = examples[i] switch
            {
                LogOddsExample l => l with { Prompt = demonstrations + Separator + l.Prompt, OtherPrompt = demonstrations + Separator + l.OtherPrompt },
                var e => e with { Prompt = demonstrations + Separator + e.Prompt },
            };
        }
        return result;
    }

    /// <summary>The example's prompt followed by its gold answer.</summary>
    public static string Demonstration(TaskExample example) => example switch
    {
        ClassificationExample c => c.Prompt + c.Classes[c.AnswerIndex],
        SequenceProbExample s => s.Prompt + s.Completion,
        LogOddsExample l => l.Prompt + l.Classes[l.AnswerIndex],
        _ => throw new ArgumentOutOfRangeException(nameof(example)),
    };

    /// <summary>
    /// Fills <paramref name="order"/> with distinct indices in [0, n) other than <paramref name="self"/>, in random order:
    /// Floyd's sampling of k of the n − 1 others (for j from n − 1 − k to n − 2, draw t in [0, j]; keep t, or j when t is
    /// taken), then a Fisher–Yates shuffle (for i from k − 1 down to 1, swap i with a draw in [0, i]). Every draw is
    /// <see cref="SplitMix64.NextIndex"/>.
    /// </summary>
    private static void SampleOthers(ref SplitMix64 random, int n, int self, HashSet<int> chosen, int[] order)
    {
        var k = order.Length;
        var others = n - 1;
        chosen.Clear();
        var filled = 0;
        for (var j = others - k; j < others; j++)
        {
            var t = random.NextIndex(j + 1);
            var pick = chosen.Add(t) ? t : j;
            if (pick == j) chosen.Add(j);
            order[filled++] = pick < self ? pick : pick + 1;
        }
        for (var i = k - 1; i > 0; i--)
        {
            var swap = random.NextIndex(i + 1);
            (order[i], order[swap]) = (order[swap], order[i]);
        }
    }
}
