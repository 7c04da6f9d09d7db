using System.Globalization;
using OrleansKv.Client;

namespace OrleansKv.Bench;

/// <summary>
/// `client`: a redis-benchmark-style load against a running cluster through the .NET client library (no HTTP).
/// Preloads the keys, then for each caller count and operation runs that many concurrent closed-loop callers
/// on random keys and reports throughput and latency percentiles. One shared <see cref="KvClient"/>, as an
/// application would use it: its per-silo connections carry every caller's requests.
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

        KvClient client;
        try
        {
            client = await KvClient.ConnectAsync(new KvClientOptions { Gateways = options.Gateways }).ConfigureAwait(false);
        }
        catch (UnavailableException e)
        {
            Console.Error.WriteLine($"client: cannot connect: {e.Message}");
            return 1;
        }

        await using (client.ConfigureAwait(false))
        {
            var invariant = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(invariant,
                $"Client benchmark: gateways {string.Join(",", options.Gateways)}, {options.Keys:N0} keys of {BenchKey.Length} B, "
                + $"{options.ValueBytes} B values, {options.Seconds:0.###} s per run after a 1 s warm-up, {Environment.ProcessorCount} cores"));

            // Indexed by key number: the version each key was last seen at, for CAS.
            var versions = new ulong[options.Keys];
            if (options.Preload)
            {
                var (elapsed, errors) = await ClientPreloader.RunAsync(client, options.Keys, options.ValueBytes, versions).ConfigureAwait(false);
                Console.WriteLine(string.Create(invariant,
                    $"Preload: {options.Keys:N0} puts with {ClientPreloader.Callers} callers in {elapsed.TotalSeconds:F2} s, "
                    + $"{options.Keys / elapsed.TotalSeconds:N0} puts/s, {errors} errors"));
            }
            Console.WriteLine();

            ClientResultTable.WriteHeader(Console.Out);
            var results = new List<ClientBenchmarkResult>();
            foreach (var callers in options.Callers)
            {
                foreach (var operation in options.Operations)
                {
                    var result = await ClientWorkload.RunAsync(client, operation, callers, options, versions).ConfigureAwait(false);
                    results.Add(result);
                    ClientResultTable.WriteRow(Console.Out, result);
                }
            }

            if (options.JsonPath is { } path)
            {
                new ClientBenchmarkReport(results, options.Keys, options.ValueBytes, options.Seconds).WriteTo(path);
                Console.WriteLine();
                Console.WriteLine($"Wrote {path}");
            }
        }
        return 0;
    }
}
