using OrleansKv.Raft;

namespace OrleansKv.Storage.Wal;

/// <summary>
/// One Persist or SaveSnapshot call waiting for the writer: its records, already encoded on the
/// caller's thread, an optional snapshot file to write first, and what the write changes in the
/// group's durable state (the writer tracks that to checkpoint and to delete segments).
/// </summary>
internal sealed class PendingWrite
{
    public required uint Group { get; init; }

    /// <summary>Encoded records, appended to the segment as they are.</summary>
    public required byte[] Records { get; init; }

    /// <summary>Written to its file (and synced) before the records, which refer to it.</summary>
    public Snapshot? SnapshotFile { get; init; }

    public HardState? HardState { get; init; }
    public SnapshotRef? Snapshot { get; init; }

    /// <summary>The group's compaction point after this write, if it moves (snapshot install or compaction).</summary>
    public (ulong Index, ulong Term)? Base { get; init; }

    /// <summary>Index of the last entry written, 0 if none.</summary>
    public ulong LastEntryIndex { get; init; }

    /// <summary>The run of entries this write carries, told its position once the record is in the segment.</summary>
    public EntryRun? Entries { get; init; }

    /// <summary>Where the entries record starts inside <see cref="Records"/>.</summary>
    public int EntriesOffset { get; init; }

    /// <summary>False for a write that needs no fsync of its own (a commit index): a batch of only such writes is not synced.</summary>
    public bool Sync { get; init; } = true;

    public required Action OnDurable { get; init; }

    /// <summary>What this write counts for against the queue limit.</summary>
    public long Bytes => Records.Length + (SnapshotFile?.Data.Length ?? 0);
}
