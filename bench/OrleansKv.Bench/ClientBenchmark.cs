using System.Globalization;
using OrleansKv.Client;

namespace OrleansKv.Bench;

/// <summary>
/// `client`: a redis-benchmark-style load against a running cluster through a client library (no HTTP): OrleansKv
/// through its .NET client (--system orleanskv), or etcd through its native gRPC API (--system etcd, calls to the
/// leader). Preloads the keys, then for each caller count and operation runs that many concurrent closed-loop callers
/// on random keys and reports throughput and latency percentiles. One shared client, as an application would use
/// it; both systems run the same callers, preload, keys and values (see <see cref="IBenchStore"/>).
/// </summary>
internal static class ClientBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ClientBenchmarkOptions.TryParse(args.AsSpan(1), out var error);
        if (options is null)
        {
            Console.Error.WriteLine($"client: {error}");
            Console.Error.WriteLine("Usage: " + ClientBenchmarkOptions.Usage);
            return 2;
        }

        IBenchStore store;
        try
        {
            store = options.System == "etcd"
                ? await EtcdStore.ConnectToLeaderAsync(options.Endpoints).ConfigureAwait(false)
                : await OrleansKvStore.ConnectAsync(options.Gateways).ConfigureAwait(false);
        }
        catch (Exception e) when (e is UnavailableException or TimeoutException)
        {
            Console.Error.WriteLine($"client: cannot connect to {options.System}: {e.Message}");
            return 1;
        }

        await using (store.ConfigureAwait(false))
        {
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(invariant,
                $"Client benchmark, {store.System}: {store.Target}, {options.Keys:N0} keys of {BenchKey.Length} B, {options.ValueBytes} B values, "
                + $"{options.Seconds:0.###} s per run after a 1 s warm-up, {options.Reps} run(s) per point, {Environment.ProcessorCount} cores"));

            // Indexed by key number: the version each key was last seen at, for CAS.
            var versions = new ulong[options.Keys];
            ClientPreloadSummary? preload = null;
            if (options.Preload)
            {
                var (elapsed, errors) = await ClientPreloader.RunAsync(store, options.Keys, options.ValueBytes, versions).ConfigureAwait(false);
                preload = new ClientPreloadSummary(options.Keys, Math.Min(ClientPreloader.Callers, options.Keys), Math.Round(elapsed.TotalSeconds, 2), errors);
                Console.WriteLine(string.Create(invariant,
                    $"Preload: {options.Keys:N0} puts with {preload.Callers} callers in {elapsed.TotalSeconds:F2} s, "
                    + $"{options.Keys / elapsed.TotalSeconds:N0} puts/s, {errors} errors"));
            }
            Console.WriteLine();

            var serverCpu = new ServerCpu(options.ServerPids);
            ClientResultTable.WriteHeader(Console.Out);
            var results = new List<ClientBenchmarkResult>();
            foreach (var callers in options.Callers)
            {
                foreach (var operation in options.Operations)
                {
                    var runs = new List<ClientBenchmarkResult>();
                    for (var rep = 1; rep <= options.Reps; rep++)
                    {
                        var run = await ClientWorkload.RunAsync(store, operation, callers, options, versions, serverCpu).ConfigureAwait(false);
                        runs.Add(run);
                        ClientResultTable.WriteRow(Console.Out, run, $"{rep}/{options.Reps}");
                    }
                    results.Add(ClientBenchmarkResult.MedianOf(runs));
                }
            }

            if (options.Reps > 1)
            {
                Console.WriteLine();
                Console.WriteLine($"Medians of {options.Reps} runs:");
                ClientResultTable.WriteHeader(Console.Out);
                foreach (var result in results) ClientResultTable.WriteRow(Console.Out, result, "median");
            }

            if (options.JsonPath is { } path)
            {
                new ClientBenchmarkReport(store.System, store.Target, results, options.Keys, options.ValueBytes, options.Seconds, options.Reps, preload).WriteTo(path);
                Console.WriteLine();
                Console.WriteLine($"Wrote {path}");
            }
        }
        return 0;
    }
}
