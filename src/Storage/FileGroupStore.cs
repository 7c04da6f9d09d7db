using System.Buffers;
using OrleansKv.Grains.Storage;
using OrleansKv.Raft;
using OrleansKv.Storage.Wal;

namespace OrleansKv.Storage;

/// <summary>
/// One group's store in the <c>file</c> provider: applies each write to the group's in-memory view
/// at once (so the core's reads see it), encodes it on the caller's thread and queues it for the
/// silo's shared write-ahead log writer, which calls back once the write is fsynced.
/// </summary>
internal sealed class FileGroupStore(uint groupId, GroupLog log, WalWriter writer) : IRaftGroupStore
{
    // Indexes of local snapshots whose files were written by StageSnapshot and not yet saved.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, bool> _staged = new();

    public uint GroupId { get; } = groupId;
    public HardState HardState => log.HardState;
    public ulong FirstIndex => log.FirstIndex;
    public ulong LastIndex => log.LastIndex;
    public Snapshot Snapshot => log.Snapshot;
    public bool TryGetTerm(ulong index, out ulong term) => log.TryGetTerm(index, out term);
    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into) => log.GetEntries(lo, hi, maxBytes, into);

    public void Persist(RaftWrite write, Action onDurable)
    {
        GroupLog.ValidateConsecutive(write.Entries);
        var records = new ArrayBufferWriter<byte>();
        SnapshotRef? reference = null;
        if (write.Snapshot is { } snapshot)
        {
            log.InstallSnapshot(snapshot);
            reference = ReferenceTo(snapshot);
            WalRecordEncoder.SnapshotMarker(records, GroupId, reference, replacesLog: true);
        }
        if (write.Entries.Count > 0)
        {
            log.Append(write.Entries);
            WalRecordEncoder.Entries(records, GroupId, write.Entries);
        }
        if (write.HardState is { } hardState)
        {
            log.SetHardState(hardState);
            WalRecordEncoder.HardState(records, GroupId, hardState);
        }
        writer.Enqueue(new PendingWrite
        {
            Group = GroupId,
            Records = records.WrittenSpan.ToArray(),
            SnapshotFile = write.Snapshot,
            Snapshot = reference,
            Base = reference is null ? null : (reference.Index, reference.Term),
            HardState = write.HardState,
            LastEntryIndex = write.Entries.Count > 0 ? write.Entries[^1].Index : 0,
            Sync = write.Sync,
            OnDurable = onDurable,
        });
    }

    public void SaveSnapshot(Snapshot snapshot, ulong compactTo, Action onDurable)
    {
        SnapshotRules.Validate(snapshot, compactTo, log);
        log.RecordSnapshot(snapshot);
        // Dropping entries before the snapshot is durable is safe: the core sends the (already
        // visible) snapshot instead, and after a crash the log still holds them.
        log.CompactTo(compactTo);
        var reference = ReferenceTo(snapshot);
        var records = new ArrayBufferWriter<byte>();
        WalRecordEncoder.SnapshotMarker(records, GroupId, reference, replacesLog: false);
        var (baseIndex, baseTerm) = log.Base;
        WalRecordEncoder.Compaction(records, GroupId, baseIndex, baseTerm);
        writer.Enqueue(new PendingWrite
        {
            Group = GroupId,
            Records = records.WrittenSpan.ToArray(),
            // A staged file is already durable: the writer only appends the marker that names it.
            SnapshotFile = _staged.TryRemove(snapshot.Metadata.Index, out _) ? null : snapshot,
            Snapshot = reference,
            Base = (baseIndex, baseTerm),
            OnDurable = onDurable,
        });
    }

    /// <summary>Writes the snapshot file (temp, fsync, rename) on the calling thread, so the log writer does not have to.</summary>
    public void StageSnapshot(Snapshot snapshot)
    {
        SnapshotFile.Write(writer.Directory, GroupId, snapshot);
        _staged[snapshot.Metadata.Index] = true;
    }

    private SnapshotRef ReferenceTo(Snapshot snapshot) =>
        new(snapshot.Metadata.Index, snapshot.Metadata.Term, WalFileNames.Snapshot(GroupId, snapshot.Metadata.Index));
}
