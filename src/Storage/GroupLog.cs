using OrleansKv.Raft;
using OrleansKv.Storage.Wal;

namespace OrleansKv.Storage;

/// <summary>
/// One group's log, hard state and snapshot held in memory: the view both providers serve the
/// Raft core's reads from. Not thread-safe: only the owning grain (or recovery) touches it.
/// </summary>
/// <remarks>
/// Every entry's index and term stay in memory. A log that tracks locations (the file provider's)
/// also knows which log record holds each entry, and may drop the bytes of entries whose record
/// is written (<see cref="EvictOldest"/>): the cold reader its owner supplies serves them then.
/// </remarks>
internal sealed class GroupLog(bool tracksLocations = false) : IRaftLog
{
    // Kept in step with the entries by every change below (append, reset, compaction).
    private readonly EntryLocations? _locations = tracksLocations ? new EntryLocations() : null;

    // _entries[0] stands for the compaction point (its index and term), so the term of
    // FirstIndex - 1 needs no special case.
    private readonly EntryChunks _entries = WithCompactionPoint(0, 0);

    // Entries [FirstIndex, _coldThrough] hold no bytes here (their Data is empty): they are read
    // through _readCold. _hotBytes counts the Data of the entries after them.
    private ulong _coldThrough;
    private long _hotBytes;
    private ColdEntryReader? _readCold;

    private static EntryChunks WithCompactionPoint(ulong index, ulong term)
    {
        var entries = new EntryChunks();
        entries.Add(new Entry(index, term, EntryType.Normal, []));
        return entries;
    }

    /// <summary>Reads entries [lo, hi) that were dropped from memory, with GetEntries's size rule.</summary>
    public delegate void ColdEntryReader(ulong lo, ulong hi, long maxBytes, List<Entry> into);

    public HardState HardState { get; private set; }
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    /// <summary>True once the snapshot's bytes were dropped (<see cref="ReleaseSnapshotData"/>): Snapshot then holds its metadata only.</summary>
    public bool SnapshotDataReleased { get; private set; }

    /// <summary>Index and term of the last compacted entry (0, 0 if nothing was compacted).</summary>
    public (ulong Index, ulong Term) Base => (_entries[0].Index, _entries[0].Term);

    private ulong Offset => _entries[0].Index;
    public ulong FirstIndex => Offset + 1;
    public ulong LastIndex => Offset + (ulong)_entries.Count - 1;

    public bool TryGetTerm(ulong index, out ulong term)
    {
        if (index < Offset || index > LastIndex) { term = 0; return false; }
        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into)
    {
        if (lo < FirstIndex || hi > LastIndex + 1 || lo > hi)
            throw new ArgumentOutOfRangeException(nameof(lo), $"entries [{lo},{hi}) are outside [{FirstIndex},{LastIndex + 1})");
        long size = 0;
        var index = lo;
        if (index <= _coldThrough && index < hi)
        {
            var coldHi = Math.Min(hi, _coldThrough + 1);
            var before = into.Count;
            _readCold!(index, coldHi, maxBytes, into);
            for (var i = before; i < into.Count; i++) size += into[i].Size;
            index = into[^1].Index + 1;
            if (index < coldHi) return;
        }
        for (; index < hi; index++)
        {
            var entry = _entries[(int)(index - Offset)];
            size += entry.Size;
            if (index > lo && size > maxBytes) break;
            into.Add(entry);
        }
    }

    // Index of the last entry whose bytes are not in memory (at most FirstIndex - 1 if none).
    private ulong ColdThrough => Math.Max(_coldThrough, Offset);

    /// <summary>Which record holds each entry (for a log that tracks locations).</summary>
    public EntryLocations Locations => _locations ?? throw new InvalidOperationException("this log does not track entry locations");

    /// <summary>Bytes of entry data held in memory.</summary>
    public long HotBytes => _hotBytes;

    /// <summary>Lets the log drop entry bytes: <paramref name="reader"/> serves them afterwards.</summary>
    public void EnableEviction(ColdEntryReader reader) => _readCold = reader;

    /// <summary>
    /// Drops the bytes of the oldest entries held in memory, as far as their records are written,
    /// until at most <paramref name="keepBytes"/> remain.
    /// </summary>
    public void EvictOldest(long keepBytes)
    {
        if (_readCold is null) throw new InvalidOperationException("no cold reader: call EnableEviction first");
        var index = ColdThrough + 1;
        var last = Math.Min(Locations.WrittenThrough(), LastIndex);
        for (; index <= last && _hotBytes > keepBytes; index++)
        {
            var slot = (int)(index - Offset);
            _hotBytes -= _entries[slot].Data.Length;
            _entries[slot] = _entries[slot] with { Data = [] };
        }
        _coldThrough = index - 1;
    }

    public void SetHardState(HardState state) => HardState = state;

    /// <summary>Checks that entries are consecutive; throws before anything changes if not.</summary>
    public static void ValidateConsecutive(IReadOnlyList<Entry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
            if (entries[i].Index != entries[i - 1].Index + 1)
                throw new ArgumentException($"entries are not consecutive: {entries[i - 1].Index} then {entries[i].Index}", nameof(entries));
    }

    /// <summary>
    /// Stores entries, replacing the suffix they conflict with. Entries already compacted are
    /// skipped. A gap after the last index is an error, except during recovery
    /// (<paramref name="restartOnGap"/>), where earlier segments may have been deleted: the log then
    /// restarts just before the entries, with an unknown base term a later marker must supply.
    /// </summary>
    /// <returns>False if a gap made the log restart.</returns>
    public bool Append(IReadOnlyList<Entry> entries, bool restartOnGap = false) => Append(entries, out _, restartOnGap);

    /// <summary>
    /// <see cref="Append(IReadOnlyList{Entry}, bool)"/> for entries written as one log record: a log
    /// that tracks locations returns that record's run (null if nothing was stored), at
    /// <paramref name="position"/> if known (recovery), else for the writer to fill in.
    /// </summary>
    public bool Append(IReadOnlyList<Entry> entries, out EntryRun? record, bool restartOnGap = false, WalPosition? position = null)
    {
        record = null;
        if (entries.Count == 0) return true;
        var first = entries[0].Index;
        var last = entries[^1].Index;
        if (last < FirstIndex) return true;
        var contiguous = true;
        if (first > LastIndex + 1)
        {
            if (!restartOnGap) throw new InvalidOperationException($"gap: appending at {first} after last index {LastIndex}");
            ResetTo(first - 1, 0);
            contiguous = false;
        }
        var skip = first < FirstIndex ? (int)(FirstIndex - first) : 0;
        var keep = (int)(entries[skip].Index - Offset);
        if (keep < _entries.Count) RemoveSlots(keep, _entries.Count - keep);
        if (_coldThrough >= entries[skip].Index) _coldThrough = entries[skip].Index - 1;
        for (var i = skip; i < entries.Count; i++)
        {
            _entries.Add(entries[i]);
            _hotBytes += entries[i].Data.Length;
        }
        record = _locations?.Add(first, last, position);
        return contiguous;
    }

    /// <summary>A snapshot from the leader: it replaces the whole log.</summary>
    public void InstallSnapshot(Snapshot snapshot)
    {
        ThrowIfOlder(snapshot);
        Snapshot = snapshot;
        SnapshotDataReleased = false;
        ResetTo(snapshot.Metadata.Index, snapshot.Metadata.Term);
    }

    /// <summary>A snapshot of the local state machine: the log is left as it is.</summary>
    public void RecordSnapshot(Snapshot snapshot)
    {
        ThrowIfOlder(snapshot);
        Snapshot = snapshot;
        SnapshotDataReleased = false;
    }

    /// <summary>Drops entries up to and including <paramref name="index"/> (no-op if already compacted).</summary>
    public void CompactTo(ulong index)
    {
        if (index <= Offset) return;
        if (index > LastIndex) throw new InvalidOperationException($"cannot compact to {index} beyond last index {LastIndex}");
        var term = _entries[(int)(index - Offset)].Term;
        RemoveSlots(0, (int)(index - Offset));
        _hotBytes -= _entries[0].Data.Length;
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
        _locations?.CompactTo(index);
    }

    /// <summary>Recovery: a logged compaction point, which may lie beyond the entries recovered so far.</summary>
    public void ApplyCompactionPoint(ulong index, ulong term)
    {
        if (index < Offset) return;
        if (index > LastIndex) { ResetTo(index, term); return; }
        RemoveSlots(0, (int)(index - Offset));
        _hotBytes -= _entries[0].Data.Length;
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
        _locations?.CompactTo(index);
    }

    /// <summary>Recovery: the log restarts after (index, term), as a leader snapshot makes it.</summary>
    public void ResetTo(ulong index, ulong term)
    {
        _entries.Clear();
        _entries.Add(new Entry(index, term, EntryType.Normal, []));
        _hotBytes = 0;
        _coldThrough = 0;
        _locations?.Clear();
    }

    // Removes list slots, keeping the count of bytes held in step (slot 0 and cold entries hold none).
    private void RemoveSlots(int start, int count)
    {
        for (var i = start; i < start + count; i++) _hotBytes -= _entries[i].Data.Length;
        if (start == 0) _entries.RemoveFirst(count);
        else if (start + count == _entries.Count) _entries.RemoveLast(count);
        else throw new InvalidOperationException("only a prefix or a suffix of the log is ever removed");
    }

    /// <summary>Recovery: the snapshot loaded from its file, once the log has been replayed.</summary>
    public void SetRecoveredSnapshot(Snapshot snapshot)
    {
        Snapshot = snapshot;
        SnapshotDataReleased = false;
    }

    /// <summary>Drops the snapshot's bytes, once the owner can read them back from a durable copy.</summary>
    public void ReleaseSnapshotData()
    {
        Snapshot = Snapshot with { Data = [] };
        SnapshotDataReleased = true;
    }

    private void ThrowIfOlder(Snapshot snapshot)
    {
        if (!Snapshot.IsEmpty && snapshot.Metadata.Index < Snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot at {snapshot.Metadata.Index} is older than the one held at {Snapshot.Metadata.Index}");
    }
}
