using System.Reflection;
using System.Text.Json;
using InverseScaling.Benchmark.Diagnostics;

namespace InverseScaling.Benchmark.Families;

/// <summary>
/// Checks a family.json's shape before it is read: every object's fields against the manifest records (camelCase names of
/// their constructor parameters; required where the parameter is neither nullable nor defaulted), so a misspelt or
/// missing field is reported by name, all of them in one error.
/// </summary>
internal static class ManifestSchema
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Every problem of the document, as "field: what is wrong", in document order.</summary>
    public static IReadOnlyList<(string Field, string Problem)> Problems(JsonElement root)
    {
        var problems = new List<(string, string)>();
        Check(root, typeof(FamilyManifest), "", problems);
        return problems;
    }

    private static void Check(JsonElement element, Type type, string at, List<(string, string)> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            if (element.ValueKind != JsonValueKind.Null) problems.Add((Where(at), $"{Where(at)} is {Kind(element)}, not an object"));
            return;
        }
        var parameters = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
        var known = parameters.ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!), StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var field = Join(at, property.Name);
            if (!known.TryGetValue(property.Name, out var parameter))
            {
                problems.Add((field, $"{TextExcerpt.Quote(field)} is not a field of family.json (known here: {string.Join(", ", known.Keys)})"));
                continue;
            }
            var target = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (IsRecord(target)) Check(property.Value, target, field, problems);
            else if (ElementRecord(target) is { } item && property.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var entry in property.Value.EnumerateArray()) Check(entry, item, $"{field}[{index++}]", problems);
            }
        }
        foreach (var (name, parameter) in known)
        {
            if (Required(parameter) && (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null))
            {
                problems.Add((Join(at, name), $"{TextExcerpt.Quote(Join(at, name))} is missing"));
            }
        }
    }

    private static bool Required(ParameterInfo parameter) =>
        !parameter.HasDefaultValue
        && (parameter.ParameterType.IsValueType
            ? Nullable.GetUnderlyingType(parameter.ParameterType) is null
            : Nullability.Create(parameter).WriteState == NullabilityState.NotNull);

    private static bool IsRecord(Type type) => type.Namespace == typeof(FamilyManifest).Namespace && type.IsClass && type != typeof(string);

    private static Type? ElementRecord(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && IsRecord(type.GetGenericArguments()[0]) ? type.GetGenericArguments()[0] : null;

    private static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";

    private static string Where(string at) => at.Length == 0 ? "the document" : TextExcerpt.Quote(at);

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
