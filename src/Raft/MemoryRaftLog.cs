namespace OrleansKv.Raft;

/// <summary>
/// An <see cref="IRaftLog"/> held in memory, with the write operations a shell performs.
/// Used by tests, the simulation and the `memory` storage provider. Not thread-safe.
/// </summary>
public sealed class MemoryRaftLog : IRaftLog
{
    // _entries[0] is a placeholder standing for the snapshot point: its Index and Term are the
    // snapshot's, so Term(FirstIndex - 1) needs no special case.
    private readonly List<Entry> _entries = [new Entry(0, 0, EntryType.Normal, [])];

    public HardState HardState { get; private set; }
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    private ulong Offset => _entries[0].Index;
    public ulong FirstIndex => Offset + 1;
    public ulong LastIndex => Offset + (ulong)_entries.Count - 1;

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

    /// <summary>Persists entries, replacing any existing suffix they conflict with.</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var first = entries[0].Index;
        if (first + (ulong)entries.Count - 1 < FirstIndex) return; // all already compacted
        if (first > LastIndex + 1)
            throw new InvalidOperationException($"gap: appending at {first} after last index {LastIndex}");
        var skip = first < FirstIndex ? (int)(FirstIndex - first) : 0;
        var keep = (int)(entries[skip].Index - Offset);
        if (keep < _entries.Count) _entries.RemoveRange(keep, _entries.Count - keep);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
    }

    /// <summary>Replaces the whole log with a snapshot received from the leader.</summary>
    public void ApplySnapshot(Snapshot snapshot)
    {
        if (snapshot.Metadata.Index <= Snapshot.Metadata.Index && !Snapshot.IsEmpty)
            throw new InvalidOperationException("snapshot is older than the one held");
        Snapshot = snapshot;
        _entries.Clear();
        _entries.Add(new Entry(snapshot.Metadata.Index, snapshot.Metadata.Term, EntryType.Normal, []));
    }

    /// <summary>Records a snapshot the state machine took at <paramref name="index"/> (must be applied).</summary>
    public Snapshot CreateSnapshot(ulong index, Membership membership, byte[] data)
    {
        if (index <= Snapshot.Metadata.Index && !Snapshot.IsEmpty)
            throw new InvalidOperationException($"snapshot at {index} is not newer than {Snapshot.Metadata.Index}");
        if (!TryGetTerm(index, out var term))
            throw new InvalidOperationException($"cannot snapshot at {index}: outside the log");
        Snapshot = new Snapshot(new SnapshotMetadata(index, term, membership), data);
        return Snapshot;
    }

    /// <summary>Discards entries up to and including <paramref name="index"/> (they must be in a snapshot).</summary>
    public void Compact(ulong index)
    {
        if (index <= Offset) return;
        if (index > LastIndex) throw new InvalidOperationException($"cannot compact to {index} beyond last index {LastIndex}");
        var term = _entries[(int)(index - Offset)].Term;
        _entries.RemoveRange(0, (int)(index - Offset));
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
    }

    /// <summary>Index and term of the last entry (or the snapshot point).</summary>
    public (ulong Index, ulong Term) Last => (_entries[^1].Index, _entries[^1].Term);
}
