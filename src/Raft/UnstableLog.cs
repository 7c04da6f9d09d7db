namespace OrleansKv.Raft;

/// <summary>
/// The tail of the log that the core holds but the shell has not yet persisted: new entries,
/// and possibly a snapshot received from the leader. Handed to the shell in a <see cref="Ready"/>,
/// dropped from here once <see cref="RaftNode.Advance"/> says it is durable.
/// </summary>
internal sealed class UnstableLog
{
    private readonly List<Entry> _entries = [];

    /// <summary>Index of <c>_entries[0]</c> (or where the next entry would go).</summary>
    public ulong Offset { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public UnstableLog(ulong offset) => Offset = offset;

    public IReadOnlyList<Entry> Entries => _entries;
    public int Count => _entries.Count;

    public ulong? FirstIndex => Snapshot is null ? null : Snapshot.Metadata.Index + 1;

    public ulong? LastIndex =>
        _entries.Count > 0 ? Offset + (ulong)_entries.Count - 1 :
        Snapshot is not null ? Snapshot.Metadata.Index : null;

    public bool TryGetTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is not null && Snapshot.Metadata.Index == index) { term = Snapshot.Metadata.Term; return true; }
            return false;
        }
        var last = LastIndex;
        if (last is null || index > last) return false;
        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    /// <summary>Entries up to (index, term) are now durable; forget them unless they were replaced meanwhile.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryGetTerm(index, out var actual) || actual != term || index < Offset) return;
        _entries.RemoveRange(0, (int)(index - Offset + 1));
        Offset = index + 1;
    }

    public void StableSnapshotTo(ulong index)
    {
        if (Snapshot is not null && Snapshot.Metadata.Index == index) Snapshot = null;
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Metadata.Index + 1;
        _entries.Clear();
        Snapshot = snapshot;
    }

    /// <summary>Appends entries, first dropping any held suffix from their first index on.</summary>
    public void TruncateAndAppend(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return;
        var after = entries[0].Index;
        if (after == Offset + (ulong)_entries.Count)
        {
            // Directly after what we hold.
        }
        else if (after <= Offset)
        {
            // Replaces everything unstable (and possibly part of the stable log).
            Offset = after;
            _entries.Clear();
        }
        else
        {
            _entries.RemoveRange((int)(after - Offset), _entries.Count - (int)(after - Offset));
        }
        for (var i = 0; i < entries.Count; i++) _entries.Add(entries[i]);
    }

    /// <summary>Adds [lo, hi) to <paramref name="into"/>; the range must lie inside the unstable entries.</summary>
    public void Slice(ulong lo, ulong hi, List<Entry> into)
    {
        for (var i = lo; i < hi; i++) into.Add(_entries[(int)(i - Offset)]);
    }
}
