namespace OrleansKv.Raft;

/// <summary>
/// The state a node must make durable before it sends any message that depends on it:
/// its current term, the candidate it voted for in that term, and the commit index it knows.
/// </summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    public static readonly HardState Empty = default;

    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
