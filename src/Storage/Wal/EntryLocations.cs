namespace OrleansKv.Storage.Wal;

/// <summary>
/// For one group, which log record holds the latest write of each entry still in the log, so an
/// entry whose bytes were dropped from memory can be read back. It mirrors the group's log: a
/// write replaces every run from its first index on, a leader snapshot clears it, compaction
/// drops the runs before the compaction point (<see cref="GroupLog"/> keeps it in step). Touched
/// only by the owning grain's turns (and by recovery before that); run positions are filled in
/// by the writer thread.
/// </summary>
internal sealed class EntryLocations
{
    private readonly List<EntryRun> _runs = [];

    /// <summary>Records that [first, last] were just written (as one record), replacing any later runs.</summary>
    public EntryRun Add(ulong first, ulong last, WalPosition? position = null)
    {
        while (_runs.Count > 0 && _runs[^1].First >= first) _runs.RemoveAt(_runs.Count - 1);
        if (_runs.Count > 0 && _runs[^1].Last >= first) _runs[^1].Last = first - 1;
        var run = new EntryRun(first, last, position);
        _runs.Add(run);
        return run;
    }

    /// <summary>A snapshot replaced the whole log.</summary>
    public void Clear() => _runs.Clear();

    /// <summary>Forgets runs that end at or before <paramref name="index"/>.</summary>
    public void CompactTo(ulong index)
    {
        var drop = 0;
        while (drop < _runs.Count && _runs[drop].Last <= index) drop++;
        _runs.RemoveRange(0, drop);
    }

    /// <summary>
    /// The highest index up to which every entry's record is in a segment: the writer writes in
    /// order, so all runs before the last positioned one are positioned too. 0 if none is.
    /// </summary>
    public ulong WrittenThrough()
    {
        for (var i = _runs.Count - 1; i >= 0; i--)
            if (_runs[i].Position is not null) return _runs[i].Last;
        return 0;
    }

    /// <summary>The run holding <paramref name="index"/>, or null.</summary>
    public EntryRun? Find(ulong index)
    {
        int lo = 0, hi = _runs.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var run = _runs[mid];
            if (index < run.First) hi = mid - 1;
            else if (index > run.Last) lo = mid + 1;
            else return run;
        }
        return null;
    }
}
