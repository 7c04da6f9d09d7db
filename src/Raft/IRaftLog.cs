namespace OrleansKv.Raft;

/// <summary>
/// The read side of a node's durable state: what the shell has already persisted (hard state,
/// log entries, the latest snapshot). The core reads through this seam and never writes to it;
/// the shell writes what each <see cref="Ready"/> hands it, then calls <see cref="RaftNode.Advance"/>.
/// </summary>
/// <remarks>
/// The log is a window [<see cref="FirstIndex"/>, <see cref="LastIndex"/>]; everything before
/// FirstIndex has been compacted and lives in the snapshot. The shell may keep entries the
/// snapshot already covers (for slow followers), so the snapshot's index can be at or beyond
/// FirstIndex - 1; it is never below it.
/// </remarks>
public interface IRaftLog
{
    /// <summary>The persisted term, vote and commit index.</summary>
    HardState HardState { get; }

    /// <summary>Index of the first entry still held (at most snapshot index + 1).</summary>
    ulong FirstIndex { get; }

    /// <summary>Index of the last persisted entry (the snapshot index if the log is empty).</summary>
    ulong LastIndex { get; }

    /// <summary>Term of the entry at <paramref name="index"/>, for index in [FirstIndex - 1, LastIndex].</summary>
    /// <returns>False if the index is compacted away or beyond the end.</returns>
    bool TryGetTerm(ulong index, out ulong term);

    /// <summary>
    /// Appends entries [lo, hi) to <paramref name="into"/>, stopping once their total size passes
    /// <paramref name="maxBytes"/> (always at least one entry). Requires FirstIndex &lt;= lo &lt; hi &lt;= LastIndex + 1.
    /// </summary>
    void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into);

    /// <summary>
    /// The most recent snapshot (empty if none). It may be read from disk on each call: the core
    /// asks for it only when it starts and when it sends a snapshot to a follower.
    /// </summary>
    Snapshot Snapshot { get; }
}
