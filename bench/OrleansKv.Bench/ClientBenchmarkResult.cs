using System.Text.Json.Serialization;

namespace OrleansKv.Bench;

/// <summary>One row of the client benchmark: one operation at one caller count. The JSON names are bench/compare's contract.</summary>
internal sealed record ClientBenchmarkResult(
    [property: JsonPropertyName("op")] string Operation,
    [property: JsonPropertyName("callers")] int Callers,
    [property: JsonPropertyName("throughput")] double Throughput,
    [property: JsonPropertyName("p50Ms")] double P50Ms,
    [property: JsonPropertyName("p90Ms")] double P90Ms,
    [property: JsonPropertyName("p99Ms")] double P99Ms,
    [property: JsonPropertyName("p999Ms")] double P999Ms,
    [property: JsonPropertyName("maxMs")] double MaxMs,
    [property: JsonPropertyName("errors")] long Errors,
    [property: JsonPropertyName("casSuccess")] double? CasSuccess);
