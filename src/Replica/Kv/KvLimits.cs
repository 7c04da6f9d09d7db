namespace OrleansKv.Replica.Kv;

/// <summary>Limits and session policy of the KV state machine; every replica of a group must use the same values.</summary>
public sealed record KvLimits
{
    public int MaxKeyBytes { get; init; } = 1024;
    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>A client session idle this long (by the leader-proposed clock in the log) is forgotten.</summary>
    public long SessionTimeoutMilliseconds { get; init; } = 10 * 60 * 1000;

    /// <summary>Answers a session keeps for sequences the client has not acknowledged yet, at most.</summary>
    public int MaxAnswersPerSession { get; init; } = 4096;
}
