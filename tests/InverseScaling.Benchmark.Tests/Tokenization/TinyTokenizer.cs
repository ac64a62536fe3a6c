using InverseScaling.Benchmark.Families;
using InverseScaling.Benchmark.Tokenization;

namespace InverseScaling.Benchmark.Tests.Tokenization;

/// <summary>
/// The hand-made byte-level BPE under TestData/Tokenization: the 256 byte symbols with GPT-2's ids
/// ('!'..'~' are 0..93, so a printable ASCII character c has id c − 33; 'Ġ' (space) is 220, 'Ċ' (newline) 198,
/// 'Ã' (byte C3) 127, '©' (byte A9) 102), then ten merges in rank order with ids 256..265:
/// Ġt 256, he 257, Ġthe 258, ĠĠ 259, 12 260, ĊĊ 261, Ã© 262, ca 263, cat 264, Ġcat 265; and &lt;|endoftext|&gt; 266.
/// </summary>
internal static class TinyTokenizer
{
    public static string Vocab => TestPaths.TestData("Tokenization", "vocab.json");
    public static string Merges => TestPaths.TestData("Tokenization", "merges.txt");

    public static CheckpointTokenizer Create() => TokenizerFactory.Create(new TokenizerFiles(Vocab, Merges, null, null));

    /// <summary>Strings and the ids worked out by hand from the merges above.</summary>
    public static TheoryData<string, int[]> Cases => new()
    {
        // "the" | " cat": t,h,e → (h e) → t he; Ġ,c,a,t → (c a) → (ca t) → (Ġ cat).
        { "the cat", [83, 257, 265] },
        // Ġ,t,h,e → (Ġ t) → (h e) → (Ġt he).
        { " the", [258] },
        // "a" | " " | " b": the first space is split off because it is followed by another whitespace.
        { "a  b", [64, 220, 220, 65] },
        // "a" | "  " | " b": the run of two spaces merges (Ġ Ġ).
        { "a   b", [64, 259, 220, 65] },
        // "x" | "\n" | "\n" | "y": each newline alone, since "\n\n" is followed by a letter.
        { "x\n\ny", [87, 198, 198, 88] },
        // "x" | "\n\n" at the end: (Ċ Ċ).
        { "x\n\n", [87, 261] },
        // One digit run: (1 2) then 3, 4, 5.
        { "12345", [260, 18, 19, 20] },
        // é is C3 A9 = Ã © → (Ã ©) ranks before (c a).
        { "café", [263, 69, 262] },
        // The special token is matched whole.
        { "a<|endoftext|>b", [64, 266, 65] },
        // "it" | "'s": no merges apply.
        { "it's", [72, 83, 6, 82] },
    };
}
