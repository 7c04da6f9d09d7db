namespace OrleansKv.Raft;

/// <summary>Volatile state a shell may want to observe (not persisted).</summary>
public readonly record struct SoftState(ulong Leader, RaftRole Role);

/// <summary>A confirmed linearizable read: serve it once the state machine has applied <see cref="Index"/>.</summary>
public readonly record struct ReadState(ulong Index, byte[] Context);

/// <summary>
/// Everything the core wants the shell to do, in one batch. The shell contract, in this order:
/// <list type="number">
/// <item>Persist <see cref="HardState"/> (if set), <see cref="Snapshot"/> (if set) and <see cref="Entries"/>, durably (fsync).</item>
/// <item>Then send <see cref="Messages"/>: votes and acknowledgements in them promise that state is durable.</item>
/// <item>Install <see cref="Snapshot"/> into the state machine, then apply <see cref="CommittedEntries"/> in order; answer <see cref="ReadStates"/> once applied reaches their index.</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this Ready. Only one Ready may be outstanding at a time.</item>
/// </list>
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

    /// <summary>True if the persist step must fsync (anything durable changed).</summary>
    public bool MustSync => HardState is not null || Snapshot is not null || Entries.Count > 0;
}
