using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansKv.Bench;

/// <summary>The --json file: every row plus the system and parameters they were measured with. bench/compare reads it.</summary>
internal sealed record ClientBenchmarkReport(
    [property: JsonPropertyName("system")] string System,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("results")] IReadOnlyList<ClientBenchmarkResult> Results,
    [property: JsonPropertyName("keys")] int Keys,
    [property: JsonPropertyName("valueBytes")] int ValueBytes,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("reps")] int Reps,
    [property: JsonPropertyName("preload")] ClientPreloadSummary? Preload)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void WriteTo(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Indented) + Environment.NewLine);
}
