using System.Globalization;
using System.Text.Json;

namespace OrleansKv.Integration;

/// <summary>
/// The values offline ARM evaluation works with: string, long, bool, null, arrays (lists) and
/// objects. Objects are <see cref="LazyObject"/>s: a property is evaluated only when it is read, so
/// an object that holds one Azure-only value (a resource id, say) still yields its other properties.
/// </summary>
internal static class ArmValues
{
    /// <summary>A template JSON value, with every string in brackets evaluated as an expression in <paramref name="scope"/>.</summary>
    public static object? FromJson(JsonElement json, ArmScope scope) => json.ValueKind switch
    {
        JsonValueKind.String => ArmExpression.Parse(json.GetString()!).Evaluate(scope),
        JsonValueKind.Number => json.TryGetInt64(out var number) ? number : throw new NotEvaluableOfflineException($"the non-integer {json}"),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Array => json.EnumerateArray().Select(item => FromJson(item, scope)).ToList(),
        JsonValueKind.Object => new LazyObject(name => FromJson(PropertyOf(json, name), scope)),
        _ => throw new NotEvaluableOfflineException($"the JSON value {json}"),
    };

    /// <summary>A property of an object value (ARM property names ignore case).</summary>
    public static object? Property(object? target, string name) => target switch
    {
        LazyObject lazy => lazy.Property(name),
        IReadOnlyDictionary<string, object?> map => map.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } found
            ? found.Value
            : throw new NotEvaluableOfflineException($"the missing property {name}"),
        _ => throw new NotEvaluableOfflineException($"the property {name} of {target ?? "null"}"),
    };

    /// <summary>A property of a template JSON object (ARM property names ignore case).</summary>
    public static JsonElement PropertyOf(JsonElement json, string name)
    {
        foreach (var property in json.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        throw new NotEvaluableOfflineException($"the missing property {name}");
    }

    /// <summary>ARM's string(): strings as they are, integers in invariant digits, booleans as True and False.</summary>
    public static string Text(object? value) => value switch
    {
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "True" : "False",
        _ => throw new NotEvaluableOfflineException($"string() of {value ?? "null"}"),
    };

    public static long Integer(object? value) =>
        value as long? ?? throw new NotEvaluableOfflineException($"{value ?? "null"} as an integer");

    public static IReadOnlyList<object?> Array(object? value) =>
        value as IReadOnlyList<object?> ?? throw new NotEvaluableOfflineException($"{value ?? "null"} as an array");
}

/// <summary>An object value whose properties are evaluated when read.</summary>
internal sealed class LazyObject(Func<string, object?> property)
{
    public object? Property(string name) => property(name);
}
