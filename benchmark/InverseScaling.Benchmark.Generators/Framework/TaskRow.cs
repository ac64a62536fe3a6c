using System.Text.Json.Serialization;

namespace InverseScaling.Benchmark.Generators.Framework;

/// <summary>One line of a task file in the official format (snake_case keys, as released).</summary>
[JsonDerivedType(typeof(ClassificationRow))]
[JsonDerivedType(typeof(SequenceProbRow))]
public abstract record TaskRow([property: JsonPropertyName("prompt"), JsonPropertyOrder(0)] string Prompt);

/// <summary><c>{"prompt", "classes", "answer_index"}</c>.</summary>
public sealed record ClassificationRow(
    string Prompt,
    [property: JsonPropertyName("classes"), JsonPropertyOrder(1)] IReadOnlyList<string> Classes,
    [property: JsonPropertyName("answer_index"), JsonPropertyOrder(2)] int AnswerIndex) : TaskRow(Prompt);

/// <summary><c>{"prompt", "completion"}</c>.</summary>
public sealed record SequenceProbRow(
    string Prompt,
    [property: JsonPropertyName("completion"), JsonPropertyOrder(1)] string Completion) : TaskRow(Prompt);
