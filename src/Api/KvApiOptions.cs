namespace OrleansKv.Api;

/// <summary>Settings of the HTTP gateway.</summary>
public sealed record KvApiOptions
{
    public int MaxKeyBytes { get; init; } = 1024;

    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>Supplied by the host: true when it can serve (a co-hosting silo: all its groups have a leader).</summary>
    public Func<CancellationToken, Task<bool>>? Readiness { get; init; }
}
