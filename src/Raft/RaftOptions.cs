namespace OrleansKv.Raft;

/// <summary>How a <see cref="RaftNode"/> behaves. Times are in ticks: the shell decides how long a tick is.</summary>
public sealed class RaftOptions
{
    /// <summary>This node's id; never 0.</summary>
    public required ulong Id { get; init; }

    /// <summary>
    /// Membership used when the log holds no snapshot and no membership entry: the bootstrap
    /// cluster. Every founding member must be given the same one on every start. A node that joins
    /// later passes <see cref="Membership.Empty"/> and learns its membership from the leader.
    /// </summary>
    public Membership InitialMembership { get; init; } = Membership.Empty;

    /// <summary>
    /// Followers wait a random number of ticks in [ElectionTicks, 2 * ElectionTicks) without hearing
    /// from a leader before campaigning. Also the leader's check-quorum period and leader lease.
    /// </summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between leader heartbeats; must be well below <see cref="ElectionTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Highest index already applied by a durable state machine (0 to replay from the snapshot).</summary>
    public ulong Applied { get; init; }

    /// <summary>Largest total entry size in one AppendEntries (at least one entry is always sent).</summary>
    public long MaxBytesPerMessage { get; init; } = 1 << 20;

    /// <summary>Largest total size of committed entries handed out in one Ready.</summary>
    public long MaxCommittedBytesPerReady { get; init; } = 16 << 20;

    /// <summary>AppendEntries in flight to one follower before the leader pauses it.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>
    /// Run a pre-vote round before campaigning (thesis §9.6), so a node that was partitioned away
    /// cannot force a term bump on a healthy cluster when it returns.
    /// </summary>
    public bool PreVote { get; init; } = true;

    /// <summary>
    /// Leader steps down if it has not heard from a quorum for an election timeout; followers that
    /// heard from a leader within that time ignore vote requests (thesis §6.2, §4.2.3).
    /// </summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Followers reject proposals instead of forwarding them to the leader.</summary>
    public bool DisableProposalForwarding { get; init; }

    /// <summary>The only source of randomness the node uses (for election timeouts).</summary>
    public required Random Random { get; init; }

    internal void Validate()
    {
        if (Id == 0) throw new ArgumentException("Id must not be 0");
        if (HeartbeatTicks <= 0) throw new ArgumentException("HeartbeatTicks must be positive");
        if (ElectionTicks <= HeartbeatTicks) throw new ArgumentException("ElectionTicks must exceed HeartbeatTicks");
        if (MaxInflightMessages <= 0) throw new ArgumentException("MaxInflightMessages must be positive");
        if (MaxBytesPerMessage <= 0 || MaxCommittedBytesPerReady <= 0) throw new ArgumentException("size limits must be positive");
    }
}
