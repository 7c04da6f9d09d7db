namespace OrleansKv.Client;

/// <summary>
/// How a <see cref="KvClient"/> finds a cluster and how long it waits. Name one way to find the
/// cluster's gateways: <see cref="Gateways"/> (a static list, for a client that runs anywhere),
/// <see cref="ClusteringDirectory"/> (the local cluster's embedded membership folder) or
/// <see cref="AzureTableConnectionString"/> (Azure Table clustering, as the silos in Azure use).
/// </summary>
public sealed record KvClientOptions
{
    /// <summary>The Orleans cluster id the silos were started with.</summary>
    public string ClusterId { get; init; } = "orleanskv";

    /// <summary>The Orleans service id the silos were started with.</summary>
    public string ServiceId { get; init; } = "orleanskv";

    /// <summary>Orleans gateway endpoints (host:port) of one or more silos.</summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>The folder of the embedded membership table the silos share (the local cluster's <c>data/cluster</c>).</summary>
    public string? ClusteringDirectory { get; init; }

    /// <summary>A connection string of the storage account whose table holds the cluster's membership (Azurite in tests).</summary>
    public string? AzureTableConnectionString { get; init; }

    /// <summary>
    /// How long one attempt waits for its answer before the client retries (with the same client
    /// id and sequence, so a write still applies once). Short, because a call in flight to a silo
    /// that was just killed gets no answer at all: Orleans waits for its response timeout.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an operation may take across all its retries.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>This client's id for exactly-once writes; a random non-zero id by default. Never share one between live clients.</summary>
    public ulong? ClientId { get; init; }

    /// <summary>
    /// Test faults only: a replica for which this returns false is treated as unreachable. The
    /// silo's gateway uses it to be cut off together with its silo.
    /// </summary>
    internal Func<string, bool>? CanReach { get; init; }

    /// <summary>The local cluster that <c>dotnet run --project src/Silo -- local</c> starts: its gateways on 127.0.0.1.</summary>
    public static KvClientOptions LocalCluster(int silos = 3, int firstGatewayPort = 30001) =>
        new() { Gateways = [.. Enumerable.Range(0, silos).Select(i => $"127.0.0.1:{firstGatewayPort + i}")] };
}
