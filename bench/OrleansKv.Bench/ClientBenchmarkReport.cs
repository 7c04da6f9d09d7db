using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansKv.Bench;

/// <summary>The --json file: every row plus the parameters they were measured with. bench/compare reads it.</summary>
internal sealed record ClientBenchmarkReport(
    [property: JsonPropertyName("results")] IReadOnlyList<ClientBenchmarkResult> Results,
    [property: JsonPropertyName("keys")] int Keys,
    [property: JsonPropertyName("valueBytes")] int ValueBytes,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void WriteTo(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Indented) + Environment.NewLine);
}
