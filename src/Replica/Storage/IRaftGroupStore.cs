using OrleansKv.Raft;

namespace OrleansKv.Replica.Storage;

/// <summary>
/// The durable state of one Raft group's replica on this silo: term, vote, commit, log entries
/// and the latest snapshot. The peer grain reads it through <see cref="IRaftLog"/> and writes the
/// parts of each <see cref="Ready"/> through <see cref="Persist"/>.
/// </summary>
/// <remarks>
/// Threading: every method is called from the owning grain's turn (one at a time). The
/// <c>onDurable</c> callbacks may run on any thread; the grain re-enters its own mailbox from them.
/// A write is visible to the <see cref="IRaftLog"/> reads as soon as <see cref="Persist"/> returns
/// (the core never reads beyond what it was told is stable, so this is safe); it is durable only
/// when its callback runs. Persist's callbacks run in the order the writes were made; a
/// SaveSnapshot's callback may come after those of writes made after it (a local snapshot need
/// not hold up the log), never before those of the writes made before it.
/// A storage failure (fsync error, full disk) is not reported through a callback: the provider
/// stops the process, because a replica that cannot tell what is durable must not keep voting.
/// </remarks>
public interface IRaftGroupStore : IRaftLog
{
    uint GroupId { get; }

    /// <summary>
    /// True while the provider has more writes queued than it wants to hold. Persist never waits
    /// (it is called from a grain's turn); instead the peer takes no new client writes while this
    /// is set, and the clients back off and retry.
    /// </summary>
    bool IsBackedUp => false;

    /// <summary>The latest snapshot's index, term and membership.</summary>
    SnapshotMetadata SnapshotMetadata => Snapshot.Metadata;

    /// <summary>
    /// A store may drop a durable snapshot's bytes from memory; <see cref="IRaftLog.Snapshot"/> then
    /// carries its metadata only, and this reads the bytes back. The peer calls it, off its turns,
    /// before it sends <paramref name="sent"/> to a follower. The result may be a later snapshot,
    /// should one have replaced it meanwhile (a follower may install any committed snapshot at or
    /// after the one the leader chose). A store that keeps the bytes returns <paramref name="sent"/>.
    /// </summary>
    /// <remarks>No default: a store that wraps another must pass this on, or a follower gets a snapshot without its bytes.</remarks>
    Task<Snapshot> ReadSnapshotAsync(Snapshot sent);

    /// <summary>
    /// Makes a Ready's hard state, snapshot and entries durable. Entries may start inside the
    /// stored log: the conflicting suffix is replaced. A snapshot replaces the whole log up to
    /// its index (entries after it that do not conflict are dropped too, as the leader resends them).
    /// </summary>
    void Persist(RaftWrite write, Action onDurable);

    /// <summary>
    /// Records a snapshot of the local state machine, taken at an applied index, and lets the store
    /// drop entries up to <paramref name="compactTo"/> (at most the snapshot's index) once the
    /// snapshot is durable. The store reads <paramref name="data"/> off the grain's turns, as it
    /// writes it, and need not keep the bytes: <see cref="ReadSnapshotAsync"/> serves them.
    /// A stream that yields more or fewer bytes than its length is a failed write.
    /// </summary>
    /// <remarks>No default: a store that wraps another must pass the source on, not read it into memory.</remarks>
    void SaveSnapshot(SnapshotMetadata metadata, SnapshotSource data, ulong compactTo, Action onDurable);
}

/// <summary>
/// What one <see cref="Ready"/> asks to make durable, in this order: snapshot, entries, hard state.
/// When <see cref="Sync"/> is false (only the commit index moved) the store may write it without an
/// fsync of its own; it becomes durable with the next synced write, and a crash may lose it.
/// </summary>
public readonly record struct RaftWrite(HardState? HardState, Snapshot? Snapshot, IReadOnlyList<Entry> Entries, bool Sync = true)
{
    public static RaftWrite From(Ready ready) => new(ready.HardState, ready.Snapshot, ready.Entries, ready.MustSync);

    public bool IsEmpty => HardState is null && Snapshot is null && Entries.Count == 0;
}
