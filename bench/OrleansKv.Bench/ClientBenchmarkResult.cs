using System.Text.Json.Serialization;

namespace OrleansKv.Bench;

/// <summary>
/// One row of the client benchmark: one operation at one caller count, either one run or the median of several
/// (each figure on its own, errors summed). The JSON names are bench/compare's contract.
/// </summary>
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
    [property: JsonPropertyName("casSuccess")] double? CasSuccess,
    [property: JsonPropertyName("serverCpuMsPerRequest")] double? ServerCpuMsPerRequest,
    [property: JsonPropertyName("serverCoresBusy")] double? ServerCoresBusy)
{
    /// <summary>How many runs this row summarises.</summary>
    [JsonPropertyName("runs")]
    public int Runs { get; init; } = 1;

    /// <summary>The throughput of each run, in order.</summary>
    [JsonPropertyName("throughputEach")]
    public IReadOnlyList<double> ThroughputEach { get; init; } = [];

    /// <summary>The median of each figure over <paramref name="runs"/> (all of one operation and caller count), errors summed.</summary>
    public static ClientBenchmarkResult MedianOf(IReadOnlyList<ClientBenchmarkResult> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to summarise", nameof(runs));
        if (runs.Count == 1) return runs[0] with { ThroughputEach = [runs[0].Throughput] };
        return new ClientBenchmarkResult(
            runs[0].Operation,
            runs[0].Callers,
            Median(runs, r => r.Throughput),
            Median(runs, r => r.P50Ms),
            Median(runs, r => r.P90Ms),
            Median(runs, r => r.P99Ms),
            Median(runs, r => r.P999Ms),
            runs.Max(r => r.MaxMs),
            runs.Sum(r => r.Errors),
            runs[0].CasSuccess is null ? null : Median(runs, r => r.CasSuccess ?? 0),
            runs[0].ServerCpuMsPerRequest is null ? null : Median(runs, r => r.ServerCpuMsPerRequest ?? 0),
            runs[0].ServerCoresBusy is null ? null : Median(runs, r => r.ServerCoresBusy ?? 0))
        {
            Runs = runs.Count,
            ThroughputEach = [.. runs.Select(r => r.Throughput)],
        };
    }

    private static double Median(IReadOnlyList<ClientBenchmarkResult> runs, Func<ClientBenchmarkResult, double> figure)
    {
        var sorted = runs.Select(figure).Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : Math.Round((sorted[middle - 1] + sorted[middle]) / 2, 3);
    }
}
