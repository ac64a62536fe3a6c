using System.Globalization;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Cli.Options;

/// <summary>
/// Every problem found in a command line's values, gathered while the option groups bind so that all of them are
/// reported at once, before any work starts. Each is one line: <c>&lt;value&gt; (&lt;option&gt;): what. Fix: …</c>.
/// </summary>
internal sealed class OptionErrors
{
    private readonly List<string> _messages = [];

    public bool Any => _messages.Count > 0;

    /// <summary>A value of <paramref name="option"/> that cannot be used.</summary>
    public void Add(string option, string? value, string problem, string fix) =>
        _messages.Add(new BenchmarkInputException(Shown(value), problem, fix, field: option).Message);

    /// <summary>A problem of the command line as a whole (options that do not go together).</summary>
    public void Add(string message) => _messages.Add(message);

    /// <summary>Runs a check or parser that throws <see cref="BenchmarkInputException"/>; its message is kept and the default returned.</summary>
    public T? Try<T>(Func<T> bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        try
        {
            return bind();
        }
        catch (BenchmarkInputException e)
        {
            _messages.Add(e.Message);
            return default;
        }
    }

    /// <summary>A whole number of at least <paramref name="minimum"/>, or null when the option was not given.</summary>
    public int? WholeNumber(string option, string? value, int minimum, string fix)
    {
        if (value is null) return null;
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= minimum) return number;
        Add(option, value, minimum == 0 ? "not a whole number zero or more" : $"not a whole number {minimum} or more", fix);
        return null;
    }

    /// <summary>A finite number zero or more, or null when the option was not given.</summary>
    public double? Number(string option, string? value, string fix)
    {
        if (value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && number >= 0) return number;
        Add(option, value, "not a finite number zero or more", fix);
        return null;
    }

    /// <summary>A path or name that must not be empty.</summary>
    public string? NotEmpty(string option, string? value, string fix)
    {
        if (value is null || value.Trim().Length > 0) return value;
        Add(option, value, "the value is empty", fix);
        return null;
    }

    /// <exception cref="InvalidOptionsException">Any problem was found.</exception>
    public void ThrowIfAny()
    {
        if (Any) throw new InvalidOptionsException(_messages.ToArray());
    }

    /// <summary>A value as messages show it: plain when it is a short plain word, else quoted and escaped.</summary>
    private static string Shown(string? value) =>
        value is { Length: > 0 and <= TextExcerpt.DefaultLength } && value.All(c => !char.IsWhiteSpace(c) && !char.IsControl(c) && c != '"' && !char.IsSurrogate(c))
            ? value
            : TextExcerpt.Quote(value);
}

/// <summary>The command line's values failed validation; each message is one error line.</summary>
internal sealed class InvalidOptionsException(IReadOnlyList<string> messages) : Exception(string.Join("\n", messages))
{
    public IReadOnlyList<string> Messages { get; } = messages;
}
