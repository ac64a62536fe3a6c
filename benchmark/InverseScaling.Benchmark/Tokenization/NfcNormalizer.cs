using System.Text;
using Microsoft.ML.Tokenizers;

namespace InverseScaling.Benchmark.Tokenization;

/// <summary>
/// Unicode NFC, as declared by tokenizer.json files such as GPT-NeoX's. A process in globalization-invariant mode cannot
/// compose characters; there the normaliser passes text that NFC cannot change and refuses text that it might.
/// </summary>
internal sealed class NfcNormalizer : Normalizer
{
    private static readonly bool RuntimeComposes = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00e9";

    public override string Normalize(string original)
    {
        if (RuntimeComposes) return original.Normalize(NormalizationForm.FormC);
        var at = FirstCandidate(original);
        if (at >= 0)
        {
            throw new InvalidOperationException(
                $"the tokenizer declares NFC normalisation and the text has U+{char.ConvertToUtf32(original, at):X4} at character {at + 1}, " +
                "which NFC may change, but this process runs in globalization-invariant mode and cannot normalise. " +
                "Run with ICU available and invariant mode off (InvariantGlobalization=false, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=0)");
        }
        return original;
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    /// <summary>Index of the first character that NFC could change or combine, or -1. Conservative: may flag stable text.</summary>
    internal static int FirstCandidate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < '\u0300') continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length)
            {
                var codePoint = char.ConvertToUtf32(c, text[i + 1]);
                if (codePoint is >= 0x1D15E and <= 0x1D1C0 or >= 0x2F800 and <= 0x2FA1F
                    || char.GetUnicodeCategory(text, i) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark)
                {
                    return i;
                }
                i++;
                continue;
            }
            var category = char.GetUnicodeCategory(c);
            if (category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.EnclosingMark
                || c is >= '\u0340' and <= '\u0390' or >= '\u0958' and <= '\u0FFF' or >= '\u1100' and <= '\u11FF' or >= '\u1F00' and <= '\u1FFF'
                    or '\u2000' or '\u2001' or '\u2126' or '\u212A' or '\u212B' or '\u2329' or '\u232A' or '\u2ADC'
                    or >= '\uA960' and <= '\uA97F' or >= '\uD7B0' and <= '\uD7FF' or >= '\uF900' and <= '\uFAFF' or >= '\uFB1D' and <= '\uFB4F')
            {
                return i;
            }
        }
        return -1;
    }
}
