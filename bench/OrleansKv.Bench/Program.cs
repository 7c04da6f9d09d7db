using OrleansKv.Bench;

// Usage: OrleansKv.Bench <benchmark> [options]. Each benchmark receives the full argument list (args[0] is its name).
var benchmark = args.Length > 0 ? args[0] : "";

switch (benchmark)
{
    case "checker":
        return CheckerBenchmark.Run(args);

    case "raft":
        return RaftBenchmark.Run(args);

    case "client":
        return await ClientBenchmark.RunAsync(args);

    // Add further benchmarks here as new cases.

    default:
        Console.Error.WriteLine("Usage: OrleansKv.Bench <benchmark> [options]");
        Console.Error.WriteLine("       " + ClientBenchmarkOptions.Usage);
        Console.Error.WriteLine("Benchmarks:");
        Console.Error.WriteLine("  checker   linearizability checker on generated 10,000-operation histories");
        Console.Error.WriteLine("  raft      Raft core throughput on an in-memory 3-node cluster");
        Console.Error.WriteLine("  client    put/get/stale_get/cas throughput and latency percentiles against a running OrleansKv (client library) or etcd (gRPC) cluster");
        return 2;
}
