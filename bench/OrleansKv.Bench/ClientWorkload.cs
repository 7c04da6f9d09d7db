using System.Diagnostics;
using OrleansKv.Client;

namespace OrleansKv.Bench;

/// <summary>
/// One measured run: a number of concurrent callers repeating one operation for a warm-up second and then the
/// measured seconds; merges the callers' histograms and counts into one result row.
/// </summary>
internal static class ClientWorkload
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static async Task<ClientBenchmarkResult> RunAsync(IKvClient client, ClientOperation operation, int callerCount, ClientBenchmarkOptions options, ulong[] versions)
    {
        var callers = new ClientCaller[callerCount];
        for (var i = 0; i < callerCount; i++) callers[i] = new ClientCaller(client, operation, i, callerCount, options.Keys, options.ValueBytes, versions);

        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
        var window = new MeasurementWindow(measureFrom, measureFrom + (long)(options.Seconds * Stopwatch.Frequency));
        var running = new Task[callerCount];
        // Task.Run: callers start on the pool at once instead of each running its first send on this thread.
        for (var i = 0; i < callerCount; i++)
        {
            var caller = callers[i];
            running[i] = Task.Run(() => caller.RunAsync(window));
        }
        await Task.WhenAll(running).ConfigureAwait(false);

        var latencies = new LatencyHistogram();
        long errors = 0, failedCompares = 0;
        foreach (var caller in callers)
        {
            latencies.Add(caller.Latencies);
            errors += caller.Errors;
            failedCompares += caller.FailedCompares;
        }
        // Completed operations (failed compares included: each was a full round trip) per measured second.
        var throughput = latencies.Count / options.Seconds;
        double? casSuccess = operation == ClientOperation.Cas
            ? latencies.Count == 0 ? 0 : (double)(latencies.Count - failedCompares) / latencies.Count
            : null;
        return new ClientBenchmarkResult(
            ClientOperationNames.NameOf(operation),
            callerCount,
            Math.Round(throughput, 1),
            Math.Round(latencies.PercentileMs(50), 3),
            Math.Round(latencies.PercentileMs(90), 3),
            Math.Round(latencies.PercentileMs(99), 3),
            Math.Round(latencies.PercentileMs(99.9), 3),
            Math.Round(latencies.MaxMs, 3),
            errors,
            casSuccess is { } fraction ? Math.Round(fraction, 4) : null);
    }
}
