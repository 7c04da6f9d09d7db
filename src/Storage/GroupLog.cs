using OrleansKv.Raft;

namespace OrleansKv.Storage;

/// <summary>
/// One group's log, hard state and snapshot held in memory: the view both providers serve the
/// Raft core's reads from. Not thread-safe: only the owning grain (or recovery) touches it.
/// </summary>
/// <remarks>
/// Every entry is kept in a list for now. A bounded cache that reads cold entries back from the
/// write-ahead log segments is future work.
/// </remarks>
internal sealed class GroupLog : IRaftLog
{
    // _entries[0] stands for the compaction point (its index and term), so the term of
    // FirstIndex - 1 needs no special case.
    private readonly List<Entry> _entries = [new Entry(0, 0, EntryType.Normal, [])];

    public HardState HardState { get; private set; }
    public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

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
    /// skipped. A gap after the last index is an error, except during recovery
    /// (<paramref name="restartOnGap"/>), where earlier segments may have been deleted: the log then
    /// restarts just before the entries, with an unknown base term a later marker must supply.
    /// </summary>
    /// <returns>False if a gap made the log restart.</returns>
    public bool Append(IReadOnlyList<Entry> entries, bool restartOnGap = false)
    {
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
        if (keep < _entries.Count) _entries.RemoveRange(keep, _entries.Count - keep);
        for (var i = skip; i < entries.Count; i++) _entries.Add(entries[i]);
        return contiguous;
    }

    /// <summary>A snapshot from the leader: it replaces the whole log.</summary>
    public void InstallSnapshot(Snapshot snapshot)
    {
        ThrowIfOlder(snapshot);
        Snapshot = snapshot;
        ResetTo(snapshot.Metadata.Index, snapshot.Metadata.Term);
    }

    /// <summary>A snapshot of the local state machine: the log is left as it is.</summary>
    public void RecordSnapshot(Snapshot snapshot)
    {
        ThrowIfOlder(snapshot);
        Snapshot = snapshot;
    }

    /// <summary>Drops entries up to and including <paramref name="index"/> (no-op if already compacted).</summary>
    public void CompactTo(ulong index)
    {
        if (index <= Offset) return;
        if (index > LastIndex) throw new InvalidOperationException($"cannot compact to {index} beyond last index {LastIndex}");
        var term = _entries[(int)(index - Offset)].Term;
        _entries.RemoveRange(0, (int)(index - Offset));
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
    }

    /// <summary>Recovery: a logged compaction point, which may lie beyond the entries recovered so far.</summary>
    public void ApplyCompactionPoint(ulong index, ulong term)
    {
        if (index < Offset) return;
        if (index > LastIndex) { ResetTo(index, term); return; }
        _entries.RemoveRange(0, (int)(index - Offset));
        _entries[0] = new Entry(index, term, EntryType.Normal, []);
    }

    /// <summary>Recovery: the log restarts after (index, term), as a leader snapshot makes it.</summary>
    public void ResetTo(ulong index, ulong term)
    {
        _entries.Clear();
        _entries.Add(new Entry(index, term, EntryType.Normal, []));
    }

    /// <summary>Recovery: the snapshot loaded from its file, once the log has been replayed.</summary>
    public void SetRecoveredSnapshot(Snapshot snapshot) => Snapshot = snapshot;

    private void ThrowIfOlder(Snapshot snapshot)
    {
        if (!Snapshot.IsEmpty && snapshot.Metadata.Index < Snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot at {snapshot.Metadata.Index} is older than the one held at {Snapshot.Metadata.Index}");
    }
}
