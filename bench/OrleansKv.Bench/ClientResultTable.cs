using System.Globalization;

namespace OrleansKv.Bench;

/// <summary>The client benchmark's stdout table, in Markdown like the other benchmarks; rows print as runs finish.</summary>
internal static class ClientResultTable
{
    public static void WriteHeader(TextWriter output)
    {
        output.WriteLine("| op        | callers | run    |      ops/s |   p50 ms |   p90 ms |   p99 ms | p99.9 ms |   max ms | errors | cas ok | srv CPU ms/op |");
        output.WriteLine("|-----------|--------:|--------|-----------:|---------:|---------:|---------:|---------:|---------:|-------:|-------:|--------------:|");
    }

    public static void WriteRow(TextWriter output, ClientBenchmarkResult row, string run)
    {
        var invariant = CultureInfo.InvariantCulture;
        var casOk = row.CasSuccess is { } fraction ? fraction.ToString("P1", invariant) : "";
        var cpu = row.ServerCpuMsPerRequest is { } ms ? ms.ToString("F4", invariant) : "";
        output.WriteLine(string.Create(invariant,
            $"| {row.Operation,-9} | {row.Callers,7} | {run,-6} | {row.Throughput,10:N0} | {row.P50Ms,8:F3} | {row.P90Ms,8:F3} | {row.P99Ms,8:F3} | {row.P999Ms,8:F3} | {row.MaxMs,8:F3} | {row.Errors,6} | {casOk,6} | {cpu,13} |"));
    }
}
