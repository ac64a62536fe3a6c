namespace InverseScaling.Benchmark.Tasks;

/// <summary>Format-independent views of an example.</summary>
public static class TaskExampleExtensions
{
    /// <summary>The candidate classes; empty for sequence_prob.</summary>
    public static IReadOnlyList<string> CandidateClasses(this TaskExample example) => example switch
    {
        ClassificationExample c => c.Classes,
        LogOddsExample l => l.Classes,
        _ => [],
    };

    /// <summary>
    /// How many classes do not start with whitespace. The prize data expects a leading space on each class, some
    /// official rows lack it; such a class tokenizes glued to the prompt's last word, so runs count them.
    /// </summary>
    public static int ClassesWithoutLeadingWhitespace(this TaskExample example)
    {
        var count = 0;
        foreach (var c in example.CandidateClasses())
        {
            if (c.Length > 0 && !char.IsWhiteSpace(c[0])) count++;
        }
        return count;
    }
}
