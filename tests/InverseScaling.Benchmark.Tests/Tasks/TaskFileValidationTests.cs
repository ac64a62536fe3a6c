using System.Text;
using InverseScaling.Benchmark.Diagnostics;
using InverseScaling.Benchmark.Tasks;

namespace InverseScaling.Benchmark.Tests.Tasks;

public sealed class TaskFileValidationTests
{
    private const string Good = """{"prompt": "p", "classes": [" a", " b"], "answer_index": 0}""";

    private static string ErrorFor(string fileName, string content, TaskFormat format = TaskFormat.Classification)
    {
        var path = TempFile.Write(fileName, content);
        var error = Assert.Throws<BenchmarkInputException>(() => TaskFileReader.Read(path, format, TestContext.Current.CancellationToken).ToList());
        return error.Message.Replace(path, "FILE", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"prompt": "p", "answer_index": 0}""",
        """FILE:2 (classes): missing field "classes". Fix: give "classes" as a list of two or more strings, e.g. [" Yes", " No"]""")]
    [InlineData("""{"classes": [" a", " b"], "answer_index": 0}""",
        """FILE:2 (prompt): missing field "prompt". Fix: give "prompt" as a string: the text the model reads""")]
    [InlineData("""{"prompt": "p", "classes": [" a", " b"], "answer_index": "1"}""",
        """FILE:2 (answer_index): "answer_index" must be an integer, found a string. Fix: give "answer_index" as the 0-based index of the correct class""")]
    [InlineData("""{"prompt": "p", "classes": [" a", " b"], "answer_index": 1.5}""",
        """FILE:2 (answer_index): "answer_index" must be an integer, found 1.5. Fix: give "answer_index" as the 0-based index of the correct class""")]
    [InlineData("""{"prompt": ["p"], "classes": [" a", " b"], "answer_index": 0}""",
        """FILE:2 (prompt): "prompt" must be a string, found a list. Fix: give "prompt" as a string: the text the model reads""")]
    [InlineData("""{"prompt": "p", "classes": " a", "answer_index": 0}""",
        """FILE:2 (classes): "classes" must be a list of strings, found a string. Fix: give "classes" as a list of two or more strings, e.g. [" Yes", " No"]""")]
    [InlineData("""{"prompt": "p", "classes": [" a", 2], "answer_index": 0}""",
        """FILE:2 (classes): "classes" must be a list of strings, but entry 1 is a number. Fix: give "classes" as a list of two or more strings, e.g. [" Yes", " No"]""")]
    [InlineData("""{"prompt": "p", "classes": [" a", " b"], "answer_index": 2}""",
        """FILE:2 (answer_index): answer_index 2 is out of range for 2 classes. Fix: use the 0-based index of the correct class, from 0 to 1""")]
    [InlineData("""{"prompt": "p", "classes": [" a", " b"], "answer_index": -1}""",
        """FILE:2 (answer_index): answer_index -1 is out of range for 2 classes. Fix: use the 0-based index of the correct class, from 0 to 1""")]
    [InlineData("""{"prompt": "p", "classes": [" a"], "answer_index": 0}""",
        """FILE:2 (classes): classes has 1 entry; at least two are needed. Fix: list two or more candidate completions, e.g. [" Yes", " No"]""")]
    [InlineData("""{"prompt": "p", "classes": [" a", " b", " a"], "answer_index": 0}""",
        """FILE:2 (classes): classes 0 and 2 are the same string " a". Fix: remove the duplicate: identical classes cannot be told apart""")]
    [InlineData("""{"prompt": "p", "classes": [" a", ""], "answer_index": 0}""",
        """FILE:2 (classes): class 1 is empty. Fix: give every class some text (normally a leading space and a word)""")]
    [InlineData("""{"prompt": "", "classes": [" a", " b"], "answer_index": 0}""",
        """FILE:2 (prompt): prompt is empty. Fix: give every example a non-empty prompt""")]
    [InlineData("""{"prompt": "p", "classes": [" a", " b"], "answer_index": 0""",
        """FILE:2: the line is not valid JSON (near byte 59): '0' is an invalid end of a number. Expected a delimiter. Fix: write each example as one JSON object on its own line""")]
    [InlineData("""{"prompt": 'p'}""",
        """FILE:2: the line is not valid JSON (near byte 12): ''' is an invalid start of a value. Fix: write each example as one JSON object on its own line""")]
    [InlineData("""{"prompt": "p"} {"prompt": "q"}""",
        """FILE:2: the line is not valid JSON (near byte 17): '{' is invalid after a single JSON value. Expected end of data. Fix: write each example as one JSON object on its own line""")]
    [InlineData("""[" a", " b"]""",
        """FILE:2: the line is a JSON list, not an object. Fix: write each example as one JSON object on its own line""")]
    public void Classification_rows_are_validated(string badLine, string expected)
    {
        Assert.Equal(expected, ErrorFor("t.jsonl", Good + "\n" + badLine + "\n"));
    }

    [Fact]
    public void Sequence_prob_needs_a_completion()
    {
        Assert.Equal(
            """FILE:1 (completion): completion is empty. Fix: give every example the non-empty completion whose loss is measured""",
            ErrorFor("t.jsonl", """{"prompt": "p", "completion": ""}""", TaskFormat.SequenceProb));
    }

    [Fact]
    public void Logodds_needs_an_other_prompt()
    {
        Assert.Equal(
            """FILE:1 (other_prompt): missing field "other_prompt". Fix: give "other_prompt" as a string: the second prompt, scored on the same classes""",
            ErrorFor("t.jsonl", Good, TaskFormat.LogOdds));
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_its_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Good + "\n{\"prompt\": \"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}\n")).ToArray();
        var path = TempFile.WriteBytes("t.jsonl", bytes);

        var error = Assert.Throws<BenchmarkInputException>(() => TaskFileReader.Read(path, TaskFormat.Classification, TestContext.Current.CancellationToken).ToList());

        Assert.Equal($"{path}:2: invalid UTF-8 at byte 16 of the line. Fix: save the file as UTF-8", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_byte_order_mark_is_refused()
    {
        Assert.Equal("FILE:1: the file starts with a UTF-8 byte-order mark. Fix: save the file as UTF-8 without a byte-order mark",
            ErrorFor("t.jsonl", "\uFEFF" + Good + "\n"));
    }

    [Fact]
    public void Crlf_line_ends_are_refused()
    {
        Assert.Equal("FILE:1: the line ends with CRLF (Windows line ends). Fix: convert the file to LF line ends (for example with dos2unix)",
            ErrorFor("t.jsonl", Good + "\r\n" + Good + "\r\n"));
    }

    [Fact]
    public void Crlf_line_ends_are_refused_in_csv()
    {
        Assert.Equal("FILE:1: the line ends with CRLF (Windows line ends). Fix: convert the file to LF line ends (for example with dos2unix)",
            ErrorFor("t.csv", "prompt,completion\r\np, c\r\n", TaskFormat.SequenceProb));
    }

    [Fact]
    public void A_10_MB_line_is_refused()
    {
        var huge = "{\"prompt\": \"" + new string('x', 10 * 1024 * 1024) + "\"}\n";

        Assert.Equal("FILE:2: line is longer than 1,048,576 bytes. Fix: each example must be on one line of at most 1 MiB; check that the file is JSON Lines / CSV and not one huge record",
            ErrorFor("t.jsonl", Good + "\n" + huge));
    }

    [Fact]
    public void An_endless_line_is_refused_after_reading_about_1_MiB()
    {
        using var endless = new EndlessStream();

        Assert.Throws<BenchmarkInputException>(() => TaskFileReader.Read(endless, "endless.jsonl", TaskFormat.Classification, TestContext.Current.CancellationToken).ToList());

        Assert.InRange(endless.BytesRead, TaskFileReader.MaxLineBytes, TaskFileReader.MaxLineBytes + 64 * 1024);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Equal("FILE: the file has no examples. Fix: add at least one example row", ErrorFor("t.jsonl", "\n\n"));
    }

    [Fact]
    public void An_unknown_extension_is_refused()
    {
        var path = TempFile.Write("t.json", Good);

        var error = Assert.Throws<BenchmarkInputException>(() => TaskFileReader.Read(path, TaskFormat.Classification, TestContext.Current.CancellationToken));

        Assert.Equal($"{path}: unsupported task file extension '.json'. Fix: give the examples as .jsonl (one JSON object per line) or as the official pipeline's .csv", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var path = Path.Combine(TestPaths.NewTempDirectory(), "none.jsonl");

        var error = Assert.Throws<BenchmarkInputException>(() => TaskFileReader.Read(path, TaskFormat.Classification, TestContext.Current.CancellationToken).ToList());

        Assert.Equal($"{path}: the task file does not exist. Fix: check the path, or the \"data\" field of task.json", error.Message);
    }

    [Fact]
    public void An_undetectable_format_is_refused()
    {
        var path = TempFile.Write("t.jsonl", """{"prompt": "p", "answer": " a"}""");

        var error = Assert.Throws<BenchmarkInputException>(() => TaskFileReader.DetectFormat(path));

        Assert.Equal($"{path}:1: cannot tell the task format: the first row has none of the fields classes, completion, other_prompt (it has prompt, answer). Fix: name the file <task>_classification.jsonl, <task>_sequence-probability.jsonl, <task>_logodds.jsonl or <task>_absolute-logodds.jsonl, or add a task.json with \"format\"",
            error.Message);
    }

    [Theory]
    [InlineData("prompt,classes\np,\"[' a', ' b']\"\n",
        "FILE:1 (answer_index): the header has no 'answer_index' column. Fix: a classification CSV needs the columns prompt, classes, answer_index")]
    [InlineData("prompt,classes,answer_index\np,\"[' a', ' b'\",0\n",
        """FILE:2 (classes): "classes" is not a Python list of strings: expected ',', found the end of the text (at character 12). Fix: give "classes" as a list of two or more strings, e.g. [" Yes", " No"] (Python syntax, e.g. [' Yes', ' No'])""")]
    [InlineData("prompt,classes,answer_index\np,\"[' a', b]\",0\n",
        """FILE:2 (classes): "classes" is not a Python list of strings: expected a string literal, found 'b' (at character 8). Fix: give "classes" as a list of two or more strings, e.g. [" Yes", " No"] (Python syntax, e.g. [' Yes', ' No'])""")]
    [InlineData("prompt,classes,answer_index\np,\"[' a', ' b']\",zero\n",
        """FILE:2 (answer_index): "answer_index" must be an integer, found "zero". Fix: give "answer_index" as the 0-based index of the correct class""")]
    [InlineData("prompt,classes,answer_index\np,\"[' a', ' b']\",0\nq,\"[' a']\",0\n",
        """FILE:3 (classes): classes has 1 entry; at least two are needed. Fix: list two or more candidate completions, e.g. [" Yes", " No"]""")]
    [InlineData("prompt,classes,answer_index\np,\"[' a']\"\n",
        """FILE:2 (classes): classes has 1 entry; at least two are needed. Fix: list two or more candidate completions, e.g. [" Yes", " No"]""")]
    [InlineData("prompt,classes,answer_index\np,\"[' a', ' b']\"\n",
        """FILE:2 (answer_index): the row has 2 fields and no value for "answer_index". Fix: give every row as many fields as the header""")]
    public void Csv_rows_are_validated(string content, string expected)
    {
        Assert.Equal(expected, ErrorFor("t.csv", content));
    }

    /// <summary>An endless line of 'a' that counts what was read from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            BytesRead += count;
            return count;
        }
    }
}
