using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Tasks;

public sealed class PythonListLiteralTests
{
    // Expected values are what Python's ast.literal_eval gives for the same text.
    public static TheoryData<string, string[]> Lists => new()
    {
        { "[' Yes', ' No']", [" Yes", " No"] },
        { "[\"it's\", ' no']", ["it's", " no"] },
        { "['a, b', 'c]d']", ["a, b", "c]d"] },
        { "  [ 'x' ,'y' , ]  ", ["x", "y"] },
        { "[]", [] },
        { @"['it\'s', ""say \""hi\""""]", ["it's", "say \"hi\""] },
        { @"['a\nb', 'tab\t', 'cr\r', 'back\\slash']", ["a\nb", "tab\t", "cr\r", "back\\slash"] },
        { @"['\x41\u00e9\U0001F600']", ["Aé\U0001F600"] },
        { @"['\101\0']", ["A\0"] },
        { @"['\d', '\q']", ["\\d", "\\q"] },
        { @"[r'\d', R'a\'b']", ["\\d", "a\\'b"] },
        { "[u'x']", ["x"] },
        { "['ab' 'cd', 'e' \"f\"]", ["abcd", "ef"] },
        { "['''it's''', \"\"\"a\nb\"\"\"]", ["it's", "a\nb"] },
        { "['€ — ü']", ["€ — ü"] },
        { "['a\\\nb']", ["ab"] },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void Parses_python_string_lists(string text, string[] expected)
    {
        Assert.Equal(expected, PythonListLiteral.ParseStrings(text));
    }

    [Theory]
    [InlineData("' a', ' b'", "expected '[', found ''' (at character 1)")]
    [InlineData("[' a', ' b'", "expected ',', found the end of the text (at character 12)")]
    [InlineData("[' a' ' b", "unterminated string literal (at character 7)")]
    [InlineData("[1, 2]", "expected a string literal, found '1' (at character 2)")]
    [InlineData("[' a', none]", "expected a string literal, found 'none' (at character 8)")]
    [InlineData("[f'x']", "unknown string prefix 'f' (at character 2)")]
    [InlineData("[b'x']", "bytes literals are not strings (at character 2)")]
    [InlineData("['a'] x", "unexpected text after the closing ']' (at character 7)")]
    [InlineData("['a\nb']", "line break inside a single-quoted string literal (at character 4)")]
    [InlineData(@"['\x4']", @"truncated \x escape: expected 2 hex digits (at character 3)")]
    [InlineData(@"['\N{BULLET}']", @"\N{...} escapes are not supported; write the character itself (at character 3)")]
    public void Refuses_what_is_not_a_list_of_strings(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PythonListLiteral.ParseStrings(text));

        Assert.Equal(expected, error.Message);
    }
}
