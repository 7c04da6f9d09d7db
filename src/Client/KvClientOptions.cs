namespace OrleansKv.Client;

/// <summary>How a <see cref="KvClient"/> reaches and talks to a cluster.</summary>
public sealed record KvClientOptions
{
    /// <summary>host:port of one or more silos' framed endpoints; the client learns the rest from them.</summary>
    public required IReadOnlyList<string> Seeds { get; init; }

    public string ClusterName { get; init; } = "orleanskv";

    /// <summary>How long one attempt waits for its answer before the client retries.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an operation may take across all its retries.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>This client's id for exactly-once writes; a random non-zero id by default. Never share one between live clients.</summary>
    public ulong? ClientId { get; init; }

    /// <summary>
    /// Opens the byte stream to a silo (host:port). Defaults to a plain TCP connection; a host may
    /// supply its own (TLS, or a fault-injecting wrapper in tests).
    /// </summary>
    public Func<string, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; init; }

    /// <summary>A silo hosted in this process (the co-hosted gateway's own silo): called directly, not over a socket.</summary>
    public ILocalSilo? LocalSilo { get; init; }
}
