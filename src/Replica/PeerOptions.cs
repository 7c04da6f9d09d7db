using OrleansKv.Replica.Kv;
using OrleansKv.Raft;

namespace OrleansKv.Replica;

/// <summary>How one Raft peer is set up: its group, its replica identity, the group's initial voters, and tuning.</summary>
public sealed record PeerOptions
{
    public required uint GroupId { get; init; }

    /// <summary>This replica's Raft node id (<see cref="ReplicaId.Of"/> of the hosting silo's name).</summary>
    public required ulong ReplicaId { get; init; }

    /// <summary>The group's voters when the cluster is first created (the placement's row).</summary>
    public required IReadOnlyList<ulong> InitialVoters { get; init; }

    /// <summary>Names of the replicas by node id, to tell a client which replica leads (NOT_LEADER hints).</summary>
    public IReadOnlyDictionary<ulong, string> ReplicaNames { get; init; } = new Dictionary<ulong, string>();

    /// <summary>Grain-timer ticks without a heartbeat before a follower campaigns (randomised up to twice this).</summary>
    public int ElectionTicks { get; init; } = 10;

    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Ticks a client request may wait for its answer before the grain answers TIMEOUT or UNAVAILABLE.</summary>
    public int RequestTimeoutTicks { get; init; } = 50;

    /// <summary>Take a state-machine snapshot and compact the log every this many applied entries.</summary>
    public ulong SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>
    /// Also take one once this many bytes of entries were applied since the last: a store holds the
    /// log since its snapshot in memory, so this bounds that memory whatever the values' size.
    /// </summary>
    public long SnapshotEveryBytes { get; init; } = 16L << 20;

    /// <summary>Entries kept behind a snapshot so a briefly lagging follower catches up without one.</summary>
    public ulong EntriesKeptAfterSnapshot { get; init; } = 5_000;

    public long MaxBytesPerMessage { get; init; } = 1 << 20;

    public int MaxInflightMessages { get; init; } = 256;

    public KvLimits Limits { get; init; } = new();

    internal RaftOptions ToRaftOptions(ulong applied, Random random) => new()
    {
        Id = ReplicaId,
        InitialMembership = new Membership(InitialVoters, []),
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        Applied = applied,
        MaxBytesPerMessage = MaxBytesPerMessage,
        MaxInflightMessages = MaxInflightMessages,
        PreVote = true,
        CheckQuorum = true,
        // Clients go straight to the leader; a follower answers NOT_LEADER with a hint instead.
        DisableProposalForwarding = true,
        Random = random,
    };
}
