using OrleansKv.Raft;

namespace OrleansKv.Storage.RaftState;

/// <summary>
/// One replica's log, hard state and snapshot held in memory: the view
/// <see cref="GrainStateRaftStore"/> serves the Raft core's reads from, updated by each write as
/// it is made. Not thread-safe: only the owning grain (or recovery) touches it.
/// </summary>
internal sealed class GroupLog : IRaftLog
{
    // _entries[0] stands for the compaction point (its index and term), so the term of
    // FirstIndex - 1 needs no special case.
    private readonly EntryChunks _entries = new();

    public GroupLog() => ResetTo(0, 0);

    public HardState HardState { get; private set; }
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    /// <summary>True once the snapshot's bytes were dropped (<see cref="ReleaseSnapshotData"/>): Snapshot then holds its metadata only.</summary>
    public bool SnapshotDataReleased { get; private set; }

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
        for (var index = lo; index < hi; index++)
        {
            var entry = _entries[(int)(index - Offset)];
            size += entry.Size;
            if (index > lo && size > maxBytes) break;
            into.Add(entry);
        }
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
    /// skipped; a gap after the last index is an error.
    /// </summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var first = entries[0].Index;
        if (entries[^1].Index < FirstIndex) return;
        if (first > LastIndex + 1) throw new InvalidOperationException($"gap: appending at {first} after last index {LastIndex}");
        var skip = first < FirstIndex ? (int)(FirstIndex - first) : 0;
        var keep = (int)(entries[skip].Index - Offset);
        if (keep < _entries.Count) _entries.RemoveLast(_entries.Count - keep);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
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
        _entries.RemoveFirst((int)(index - Offset));
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
    }

    /// <summary>Drops the snapshot's bytes, once the owner can read them back from a durable copy.</summary>
    public void ReleaseSnapshotData()
    {
        Snapshot = Snapshot with { Data = [] };
        SnapshotDataReleased = true;
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
