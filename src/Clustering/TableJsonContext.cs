using System.Text.Json.Serialization;

namespace OrleansKv.Clustering;

/// <summary>
/// Source-generated System.Text.Json metadata for the table file: no reflection at run time, and
/// one place that fixes the format (camelCase names, enums as their names, indented so a person
/// can read the table with <c>cat</c>).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(TableDocument))]
internal sealed partial class TableJsonContext : JsonSerializerContext
{
}
