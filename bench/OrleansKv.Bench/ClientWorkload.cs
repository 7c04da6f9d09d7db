using System.Diagnostics;

namespace OrleansKv.Bench;

/// <summary>
/// One measured run: a number of concurrent callers repeating one operation for a warm-up second and then the
/// measured seconds; merges the callers' histograms and counts into one result row. With server PIDs it also
/// reads the servers' CPU time at the start and the end of the measured window.
/// </summary>
internal static class ClientWorkload
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static async Task<ClientBenchmarkResult> RunAsync(IBenchStore store, ClientOperation operation, int callerCount, ClientBenchmarkOptions options, ulong[] versions, ServerCpu serverCpu)
    {
        var callers = new ClientCaller[callerCount];
        for (var i = 0; i < callerCount; i++) callers[i] = new ClientCaller(store, operation, i, callerCount, options.Keys, options.ValueBytes, versions);

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

        double? serverCpuSeconds = null;
        if (!serverCpu.IsEmpty)
        {
            // Sleep to each edge of the window and read the servers' CPU there: the warm-up's CPU is not counted.
            await SleepUntilAsync(window.StartTimestamp).ConfigureAwait(false);
            var before = serverCpu.Seconds();
            await SleepUntilAsync(window.EndTimestamp).ConfigureAwait(false);
            serverCpuSeconds = serverCpu.Seconds() - before;
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
            casSuccess is { } fraction ? Math.Round(fraction, 4) : null,
            serverCpuSeconds is { } cpu && latencies.Count > 0 ? Math.Round(cpu * 1000 / latencies.Count, 4) : null,
            serverCpuSeconds is { } busy ? Math.Round(busy / options.Seconds, 3) : null);
    }

    private static Task SleepUntilAsync(long timestamp)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return left > TimeSpan.Zero ? Task.Delay(left) : Task.CompletedTask;
    }
}
