namespace OrleansKv.Raft;

/// <summary>
/// An <see cref="IRaftLog"/> held in memory, with the write operations a shell performs: the view
/// a replica's store serves the core's reads from (updated by each write as it is made), and the
/// whole storage of tests and the simulation. Not thread-safe.
/// </summary>
public sealed class MemoryRaftLog : IRaftLog
{
    // _entries[0] is a placeholder standing for the snapshot point: its Index and Term are the
    // snapshot's, so Term(FirstIndex - 1) needs no special case.
    private readonly EntryChunks _entries = new();

    public MemoryRaftLog() => ResetTo(0, 0);

    public HardState HardState { get; private set; }
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    /// <summary>True once the snapshot's bytes were dropped (<see cref="ReleaseSnapshotData"/>): Snapshot then holds its metadata only.</summary>
    public bool SnapshotDataReleased { get; private set; }

    private ulong Offset => _entries[0].Index;
    public ulong FirstIndex => Offset + 1;
    public ulong LastIndex => Offset + (ulong)_entries.Count - 1;

    /// <summary>Index and term of the last entry (or the snapshot point).</summary>
    public (ulong Index, ulong Term) Last => (_entries[^1].Index, _entries[^1].Term);

    public void SetHardState(HardState state) => HardState = state;

    public bool TryGetTerm(ulong index, out ulong term)
    {
        if (index < Offset || index > LastIndex) { term = 0; return false; }
        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into)
    {
        if (lo < FirstIndex || hi > LastIndex + 1 || lo > hi)
            throw new ArgumentOutOfRangeException(nameof(lo), $"entries [{lo},{hi}) outside [{FirstIndex},{LastIndex + 1})");
        long size = 0;
        for (var i = lo; i < hi; i++)
        {
            var entry = _entries[(int)(i - Offset)];
            size += entry.Size;
            if (i > lo && size > maxBytes) break;
            into.Add(entry);
        }
    }

    /// <summary>Checks that entries are consecutive; throws before anything changes if not.</summary>
    public static void ValidateConsecutive(IReadOnlyList<Entry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
            if (entries[i].Index != entries[i - 1].Index + 1)
                throw new ArgumentException($"entries are not consecutive: {entries[i - 1].Index} then {entries[i].Index}", nameof(entries));
    }

    /// <summary>
    /// Persists entries, replacing any existing suffix they conflict with. Entries already
    /// compacted are skipped; a gap after the last index is an error.
    /// </summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        ValidateConsecutive(entries);
        var first = entries[0].Index;
        if (entries[^1].Index < FirstIndex) return; // all already compacted
        if (first > LastIndex + 1)
            throw new InvalidOperationException($"gap: appending at {first} after last index {LastIndex}");
        var skip = first < FirstIndex ? (int)(FirstIndex - first) : 0;
        var keep = (int)(entries[skip].Index - Offset);
        if (keep < _entries.Count) _entries.RemoveLast(_entries.Count - keep);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader.</summary>
    public void ApplySnapshot(Snapshot snapshot)
    {
        ThrowIfOlder(snapshot);
        Snapshot = snapshot;
        SnapshotDataReleased = false;
        ResetTo(snapshot.Metadata.Index, snapshot.Metadata.Term);
    }

    /// <summary>Records a snapshot the state machine took at <paramref name="index"/> (must be applied).</summary>
    public Snapshot CreateSnapshot(ulong index, Membership membership, byte[] data)
    {
        if (index <= Snapshot.Metadata.Index && !Snapshot.IsEmpty)
            throw new InvalidOperationException($"snapshot at {index} is not newer than {Snapshot.Metadata.Index}");
        if (!TryGetTerm(index, out var term))
            throw new InvalidOperationException($"cannot snapshot at {index}: outside the log");
        RecordSnapshot(new Snapshot(new SnapshotMetadata(index, term, membership), data));
        return Snapshot;
    }

    /// <summary>Records a snapshot of the local state machine, checked by the caller: the log is left as it is.</summary>
    public void RecordSnapshot(Snapshot snapshot)
    {
        ThrowIfOlder(snapshot);
        Snapshot = snapshot;
        SnapshotDataReleased = false;
    }

    /// <summary>Drops the snapshot's bytes, once the owner can read them back from a durable copy.</summary>
    public void ReleaseSnapshotData()
    {
        Snapshot = Snapshot with { Data = [] };
        SnapshotDataReleased = true;
    }

    /// <summary>Discards entries up to and including <paramref name="index"/> (they must be in a snapshot; no-op if already compacted).</summary>
    public void Compact(ulong index)
    {
        if (index <= Offset) return;
        if (index > LastIndex) throw new InvalidOperationException($"cannot compact to {index} beyond last index {LastIndex}");
        var term = _entries[(int)(index - Offset)].Term;
        _entries.RemoveFirst((int)(index - Offset));
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
    }

    // The log restarts after (index, term), as a leader's snapshot makes it.
    private void ResetTo(ulong index, ulong term)
    {
        _entries.Clear();
        _entries.Add(new Entry(index, term, EntryType.Normal, []));
    }

    private void ThrowIfOlder(Snapshot snapshot)
    {
        if (!Snapshot.IsEmpty && snapshot.Metadata.Index < Snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot at {snapshot.Metadata.Index} is older than the one held at {Snapshot.Metadata.Index}");
    }
}
