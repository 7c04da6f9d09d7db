namespace OrleansKv.Raft;

/// <summary>
/// The node's whole view of its log: the persisted part behind <see cref="IRaftLog"/> plus the
/// unstable tail, and the two cursors that move along it: committed and applied.
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftLog _storage;
    private readonly UnstableLog _unstable;

    public RaftLog(IRaftLog storage, ulong applied)
    {
        _storage = storage;
        _unstable = new UnstableLog(storage.LastIndex + 1);
        Committed = storage.HardState.Commit;
        // The shell may compact less than its snapshot covers (keeping trailing entries for slow
        // followers), so the snapshot, not FirstIndex - 1, is where the state machine restarts.
        var snapshotIndex = Math.Max(storage.FirstIndex - 1, storage.Snapshot.Metadata.Index);
        if (Committed < snapshotIndex) Committed = snapshotIndex;
        Applied = Math.Max(applied, snapshotIndex);
        if (Applied > Committed) throw new ArgumentException($"applied {Applied} is beyond commit {Committed}");
    }

    /// <summary>Highest index known to be stored on a quorum.</summary>
    public ulong Committed { get; private set; }

    /// <summary>Highest index handed to the state machine and acknowledged by Advance.</summary>
    public ulong Applied { get; private set; }

    public UnstableLog Unstable => _unstable;

    public ulong FirstIndex => _unstable.FirstIndex ?? _storage.FirstIndex;
    public ulong LastIndex => _unstable.LastIndex ?? _storage.LastIndex;
    public ulong LastTerm => Term(LastIndex);

    public bool TryGetTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index + 1 < FirstIndex || index > LastIndex) return false;
        if (_unstable.TryGetTerm(index, out term)) return true;
        return _storage.TryGetTerm(index, out term);
    }

    /// <summary>Term at index, or 0 if the index is not (or no longer) in the log.</summary>
    public ulong Term(ulong index) => TryGetTerm(index, out var term) ? term : 0;

    public bool MatchTerm(ulong index, ulong term) => TryGetTerm(index, out var actual) && actual == term;

    /// <summary>Raft §5.4.1: is a candidate's log (lastIndex, lastTerm) at least as up to date as ours?</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>First entry that is new or conflicts with ours (0 if we already hold all of them).</summary>
    public ulong FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
            if (!MatchTerm(entry.Index, entry.Term)) return entry.Index;
        return 0;
    }

    /// <summary>
    /// The largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>,
    /// and that term. Lets a rejection skip a whole conflicting term in one round trip.
    /// </summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        while (true)
        {
            if (!TryGetTerm(index, out var t)) return (index, 0);
            if (t <= term) return (index, t);
            if (index == 0) return (0, 0);
            index--;
        }
    }

    /// <summary>
    /// Follower side of AppendEntries: if our entry at prevIndex has prevTerm, adopt the entries
    /// (truncating any conflicting suffix) and advance commit. Returns the last index now known to
    /// match the leader, or null if the consistency check fails; <paramref name="appendedFrom"/> is the
    /// first index written (0 if every entry was already held).
    /// </summary>
    public ulong? MaybeAppend(ulong prevIndex, ulong prevTerm, ulong leaderCommit, IReadOnlyList<Entry> entries, out ulong appendedFrom)
    {
        appendedFrom = 0;
        if (!MatchTerm(prevIndex, prevTerm)) return null;
        var lastNew = prevIndex + (ulong)entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
                throw new InvalidOperationException($"entry {conflict} conflicts with committed entry (commit {Committed})");
            appendedFrom = conflict;
            var start = (int)(conflict - (prevIndex + 1));
            var suffix = new Entry[entries.Count - start];
            for (var i = 0; i < suffix.Length; i++) suffix[i] = entries[start + i];
            Append(suffix);
        }
        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
    }

    public ulong Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0) return LastIndex;
        if (entries[0].Index - 1 < Committed)
            throw new InvalidOperationException($"appending at {entries[0].Index} would overwrite committed {Committed}");
        _unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed) return; // commit never moves back
        if (index > LastIndex) throw new InvalidOperationException($"commit {index} beyond last index {LastIndex}");
        Committed = index;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0) return;
        if (index > Committed || index < Applied)
            throw new InvalidOperationException($"applied {index} outside [{Applied},{Committed}]");
        Applied = index;
    }

    public void StableTo(ulong index, ulong term) => _unstable.StableTo(index, term);
    public void StableSnapshotTo(ulong index) => _unstable.StableSnapshotTo(index);

    /// <summary>Adds entries [lo, hi) to <paramref name="into"/>, up to roughly maxBytes (at least one).</summary>
    public void Slice(ulong lo, ulong hi, long maxBytes, List<Entry> into)
    {
        if (lo >= hi) return;
        if (lo < FirstIndex) throw new InvalidOperationException($"entry {lo} is compacted (first index {FirstIndex})");
        if (hi > LastIndex + 1) throw new InvalidOperationException($"slice [{lo},{hi}) beyond last index {LastIndex}");
        var start = into.Count;
        if (lo < _unstable.Offset)
        {
            var storageHi = Math.Min(hi, _unstable.Offset);
            _storage.GetEntries(lo, storageHi, maxBytes, into);
            if ((ulong)(into.Count - start) < storageHi - lo) return; // size limit reached inside storage
        }
        if (hi > _unstable.Offset)
        {
            var unstableLo = Math.Max(lo, _unstable.Offset);
            long size = 0;
            for (var i = start; i < into.Count; i++) size += into[i].Size;
            var entries = _unstable.Entries;
            for (var i = unstableLo; i < hi; i++)
            {
                var entry = entries[(int)(i - _unstable.Offset)];
                size += entry.Size;
                if (into.Count > start && size > maxBytes) break;
                into.Add(entry);
            }
        }
    }

    /// <summary>Committed entries not yet applied, up to maxBytes; empty while a snapshot is pending.</summary>
    public void NextCommittedEntries(long maxBytes, List<Entry> into)
    {
        if (_unstable.Snapshot is not null) return;
        var lo = Math.Max(Applied + 1, FirstIndex);
        if (Committed + 1 > lo) Slice(lo, Committed + 1, maxBytes, into);
    }

    public bool HasNextCommittedEntries =>
        _unstable.Snapshot is null && Committed > Math.Max(Applied, FirstIndex - 1);

    /// <summary>The snapshot a lagging follower needs: a pending one received from a leader, else the stored one.</summary>
    public Snapshot Snapshot => _unstable.Snapshot ?? _storage.Snapshot;

    /// <summary>Discards the log in favour of a snapshot from the leader.</summary>
    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Metadata.Index;
        _unstable.Restore(snapshot);
    }

    /// <summary>Sets applied after the shell installed a snapshot.</summary>
    public void AppliedSnapshot(ulong index)
    {
        if (index > Applied) Applied = index;
    }
}
