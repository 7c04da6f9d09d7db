namespace OrleansKv.Api;

/// <summary>
/// Settings of the HTTP gateway. A class, not a record: a record's generated ToString would print
/// <see cref="ApiKey"/>.
/// </summary>
public sealed class KvApiOptions
{
    public int MaxKeyBytes { get; init; } = 1024;

    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>
    /// The key every request but the health probes must carry (<c>Authorization: Bearer</c> or
    /// <c>X-Api-Key</c>); null or empty: no key is needed. <see cref="GatewayApiKey.Validate"/> says
    /// what a key must be.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>Supplied by the host: true when it can serve (a co-hosting silo: all its groups have a leader).</summary>
    public Func<CancellationToken, Task<bool>>? Readiness { get; init; }
}
