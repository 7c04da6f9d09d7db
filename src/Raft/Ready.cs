namespace OrleansKv.Raft;

/// <summary>Volatile state a shell may want to observe (not persisted).</summary>
public readonly record struct SoftState(ulong Leader, RaftRole Role);

/// <summary>A confirmed linearizable read: serve it once the state machine has applied <see cref="Index"/>.</summary>
public readonly record struct ReadState(ulong Index, byte[] Context);

/// <summary>
/// Everything the core wants the shell to do, in one batch. The shell contract, in this order:
/// <list type="number">
/// <item>Persist <see cref="HardState"/> (if set), <see cref="Snapshot"/> (if set) and <see cref="Entries"/>, durably (fsync) when <see cref="MustSync"/>.</item>
/// <item>Then send <see cref="Messages"/>: votes and acknowledgements in them promise that state is durable.
/// Exception: when <see cref="MessagesMayPrecedePersist"/> is true (a leader's replication traffic), the shell may send them
/// before or while it persists, so the leader's disk write overlaps the followers' (thesis 10.2.1).</item>
/// <item>Install <see cref="Snapshot"/> into the state machine, then apply <see cref="CommittedEntries"/> in order; answer <see cref="ReadStates"/> once applied reaches their index.
/// This may run before or while step 1 does: committed entries are durable on a quorum, so an
/// in-memory state machine may run ahead of the local disk (a crash rebuilds it from what is durable).
/// A state machine snapshot, though, must wait until Advance, so that it never covers entries the local log lacks.</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this Ready. Only one Ready may be outstanding at a time.</item>
/// </list>
/// Meanwhile, a leader's shell that has applied this Ready's committed entries may apply what commits
/// or is confirmed before Advance: <see cref="RaftNode.TakeEarlyApply"/> (see <see cref="EarlyApply"/>).
/// Everything else the node produces waits for the next Ready.
/// </summary>
public sealed class Ready
{
    /// <summary>Set when leader or role changed since the last Ready.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>Set when term, vote or commit changed: persist before sending messages.</summary>
    public HardState? HardState { get; init; }

    /// <summary>A snapshot from the leader to persist and install, replacing the log.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>New log entries to persist (they may replace a conflicting suffix).</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>Committed entries to apply, in log order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>
    /// Messages to send after persisting. Delivery may fail or reorder; Raft tolerates that. For an
    /// <see cref="MessageType.InstallSnapshot"/>, the shell reports the outcome with
    /// <see cref="RaftNode.ReportSnapshot"/> (the leader sends that follower nothing else until then),
    /// and for a peer it cannot reach it may call <see cref="RaftNode.ReportUnreachable"/>.
    /// </summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>Reads confirmed by ReadIndex.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Contexts of reads that were abandoned (leadership lost, or no leader to forward to): fail them now.</summary>
    public IReadOnlyList<byte[]> DroppedReads { get; init; } = [];

    /// <summary>
    /// True if the persist step must fsync: entries, a snapshot, or a new term or vote. A hard state
    /// whose only change is the commit index is written but need not be synced: a commit index lost
    /// in a crash is learnt again from the leader, and nothing sent depends on it.
    /// </summary>
    public bool MustSync { get; init; }

    /// <summary>
    /// True if <see cref="Messages"/> may be sent before this Ready is durable. The core sets it only
    /// for a leader whose term and vote are already durable: its messages (AppendEntries, heartbeats,
    /// snapshots, TimeoutNow, read answers, refusals) promise nothing about its own disk, and the
    /// leader counts its own copy of new entries toward commit only after <see cref="RaftNode.Advance"/>.
    /// </summary>
    public bool MessagesMayPrecedePersist { get; init; }
}
