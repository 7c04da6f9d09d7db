using System.Buffers;
using System.Collections.Concurrent;
using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using OrleansKv.Storage.Wal;

namespace OrleansKv.Storage;

/// <summary>
/// One group's store in the <c>file</c> provider: applies each write to the group's in-memory view
/// at once (so the core's reads see it), encodes it on the caller's thread and queues it for the
/// silo's shared write-ahead log writer, which calls back once the write is fsynced.
/// </summary>
/// <remarks>
/// Memory stays bounded between snapshots: past <see cref="FileStorageOptions.MaxCachedEntryBytes"/>
/// the oldest entries' bytes are dropped and read back from the log segments when asked for (a
/// follower far behind), and a snapshot's bytes are dropped once its file is durable and read back
/// from it when the core sends the snapshot.
/// </remarks>
internal sealed class FileGroupStore : IRaftGroupStore
{
    private readonly GroupLog _log;
    private readonly WalWriter _writer;
    private readonly long _maxCachedEntryBytes;

    public bool IsBackedUp => _writer.IsOverBudget;

    // Indexes of local snapshots whose files were written by StageSnapshot and not yet saved.
    private readonly ConcurrentDictionary<ulong, bool> _staged = new();
    private ArrayBufferWriter<byte> _encodeBuffer = new(64 * 1024);

    // The newest snapshot whose file and marker are durable (set from the writer thread). Compared
    // by reference: a later snapshot at the same index is a different write, and not yet durable.
    private Snapshot? _durableSnapshot;

    // The last record read back: a follower catching up asks for consecutive ranges of it.
    private (EntryRun Run, List<Entry> Entries)? _lastRecordRead;

    /// <param name="log">A log that tracks entry locations (recovered, or new).</param>
    public FileGroupStore(uint groupId, GroupLog log, WalWriter writer, long maxCachedEntryBytes)
    {
        GroupId = groupId;
        _log = log;
        _writer = writer;
        _maxCachedEntryBytes = maxCachedEntryBytes;
        // A recovered snapshot was loaded from its durable file.
        _durableSnapshot = log.Snapshot;
        log.EnableEviction(ReadEvicted);
    }

    public uint GroupId { get; }
    public HardState HardState => _log.HardState;
    public ulong FirstIndex => _log.FirstIndex;
    public ulong LastIndex => _log.LastIndex;
    public bool TryGetTerm(ulong index, out ulong term) => _log.TryGetTerm(index, out term);
    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into) => _log.GetEntries(lo, hi, maxBytes, into);

    /// <summary>The latest snapshot; read back from its file if its bytes were dropped (only when the core sends it).</summary>
    public Snapshot Snapshot => _log.SnapshotDataReleased ? LoadSnapshot() : _log.Snapshot;

    public SnapshotMetadata SnapshotMetadata => _log.Snapshot.Metadata;

    /// <summary>Bytes of entry data held in memory (for tests).</summary>
    internal long CachedEntryBytes => _log.HotBytes;

    /// <summary>Whether the snapshot's bytes are held in memory (for tests).</summary>
    internal bool SnapshotInMemory => !_log.SnapshotDataReleased;

    public void Persist(RaftWrite write, Action onDurable)
    {
        GroupLog.ValidateConsecutive(write.Entries);
        // Encoded into one buffer the group reuses (a group's writes come from one turn at a time);
        // the WAL writer gets an exact copy.
        var records = _encodeBuffer;
        records.ResetWrittenCount();
        SnapshotRef? reference = null;
        if (write.Snapshot is { } snapshot)
        {
            _log.InstallSnapshot(snapshot);
            reference = ReferenceTo(snapshot);
            WalRecordEncoder.SnapshotMarker(records, GroupId, reference, replacesLog: true);
        }
        EntryRun? run = null;
        var entriesOffset = 0;
        if (write.Entries.Count > 0)
        {
            _log.Append(write.Entries, out run);
            entriesOffset = records.WrittenCount;
            WalRecordEncoder.Entries(records, GroupId, write.Entries);
        }
        if (write.HardState is { } hardState)
        {
            _log.SetHardState(hardState);
            WalRecordEncoder.HardState(records, GroupId, hardState);
        }
        _writer.Enqueue(new PendingWrite
        {
            Group = GroupId,
            Records = records.WrittenSpan.ToArray(),
            SnapshotFile = write.Snapshot,
            Snapshot = reference,
            Base = reference is null ? null : (reference.Index, reference.Term),
            HardState = write.HardState,
            LastEntryIndex = write.Entries.Count > 0 ? write.Entries[^1].Index : 0,
            Entries = run,
            EntriesOffset = entriesOffset,
            Sync = write.Sync,
            OnDurable = write.Snapshot is null ? onDurable : SnapshotDurable(write.Snapshot, onDurable),
        });
        // A write of large values does not pin a large buffer for the life of the group.
        if (records.Capacity > MaxRetainedEncodeBuffer) _encodeBuffer = new ArrayBufferWriter<byte>(64 * 1024);
        TrimMemory();
    }

    private const int MaxRetainedEncodeBuffer = 1 << 20;

    public void SaveSnapshot(Snapshot snapshot, ulong compactTo, Action onDurable)
    {
        SnapshotRules.Validate(snapshot, compactTo, _log);
        var staged = _staged.TryRemove(snapshot.Metadata.Index, out _);
        _log.RecordSnapshot(snapshot);
        // A staged snapshot's file is already durable (and its bytes were never held here).
        if (staged) _log.ReleaseSnapshotData();
        // Dropping entries before the snapshot is durable is safe: the core sends the (already
        // visible) snapshot instead, and after a crash the log still holds them.
        _log.CompactTo(compactTo);
        var reference = ReferenceTo(snapshot);
        var records = new ArrayBufferWriter<byte>();
        WalRecordEncoder.SnapshotMarker(records, GroupId, reference, replacesLog: false);
        var (baseIndex, baseTerm) = _log.Base;
        WalRecordEncoder.Compaction(records, GroupId, baseIndex, baseTerm);
        _writer.Enqueue(new PendingWrite
        {
            Group = GroupId,
            Records = records.WrittenSpan.ToArray(),
            // A staged file is already durable: the writer only appends the marker that names it.
            SnapshotFile = staged ? null : snapshot,
            Snapshot = reference,
            Base = (baseIndex, baseTerm),
            OnDurable = SnapshotDurable(snapshot, onDurable),
        });
        TrimMemory();
    }

    /// <summary>
    /// Streams the snapshot into its file (temp, fsync, rename) on the calling thread, so the log
    /// writer does not have to; the snapshot returned carries no bytes.
    /// </summary>
    public Snapshot StageSnapshot(SnapshotMetadata metadata, long dataLength, Action<Stream> writeData)
    {
        SnapshotFile.Write(_writer.Directory, GroupId, metadata, dataLength, writeData);
        _staged[metadata.Index] = true;
        return new Snapshot(metadata, []);
    }

    private Action SnapshotDurable(Snapshot snapshot, Action onDurable) => () =>
    {
        Volatile.Write(ref _durableSnapshot, snapshot);
        onDurable();
    };

    // Drops what a durable copy can give back: the snapshot's bytes once its file is durable, and
    // the oldest entries' bytes (down to half the budget) once they are in a segment.
    private void TrimMemory()
    {
        if (!_log.SnapshotDataReleased && !_log.Snapshot.IsEmpty && ReferenceEquals(_log.Snapshot, Volatile.Read(ref _durableSnapshot)))
            _log.ReleaseSnapshotData();
        if (_log.HotBytes > _maxCachedEntryBytes)
            _log.EvictOldest(_maxCachedEntryBytes / 2);
    }

    private Snapshot LoadSnapshot()
    {
        var held = _log.Snapshot.Metadata;
        var path = Path.Combine(_writer.Directory, WalFileNames.Snapshot(GroupId, held.Index));
        var snapshot = SnapshotFile.Read(path, GroupId);
        if (snapshot.Metadata.Index != held.Index || snapshot.Metadata.Term != held.Term)
            throw new WalCorruptionException(path, 0, $"snapshot is at {snapshot.Metadata.Term}/{snapshot.Metadata.Index}, the log holds {held.Term}/{held.Index}");
        return snapshot;
    }

    // The log's cold reader: entries [lo, hi) from the records that hold them, with GetEntries's size rule.
    private void ReadEvicted(ulong lo, ulong hi, long maxBytes, List<Entry> into)
    {
        long size = 0;
        var index = lo;
        while (index < hi)
        {
            var run = _log.Locations.Find(index)
                ?? throw new InvalidOperationException($"entry {index} of group {GroupId} is neither in memory nor located in the log");
            var entries = ReadRecord(run);
            for (; index < hi && index <= run.Last; index++)
            {
                var entry = entries[(int)(index - run.First)];
                size += entry.Size;
                if (index > lo && size > maxBytes) return;
                into.Add(entry);
            }
        }
    }

    private List<Entry> ReadRecord(EntryRun run)
    {
        if (_lastRecordRead is { } last && ReferenceEquals(last.Run, run)) return last.Entries;
        var position = run.Position
            ?? throw new InvalidOperationException($"entries {run.First}..{run.Last} of group {GroupId} were dropped before the log wrote them");
        var entries = WalEntryReader.Read(_writer.Directory, GroupId, position);
        if (entries[0].Index != run.First || entries[^1].Index < run.Last)
            throw new WalCorruptionException(Path.Combine(_writer.Directory, WalFileNames.Segment(position.Segment)), position.Offset,
                $"the record holds entries {entries[0].Index}..{entries[^1].Index}, expected {run.First}..{run.Last}");
        _lastRecordRead = (run, entries);
        return entries;
    }

    private SnapshotRef ReferenceTo(Snapshot snapshot) =>
        new(snapshot.Metadata.Index, snapshot.Metadata.Term, WalFileNames.Snapshot(GroupId, snapshot.Metadata.Index));
}
