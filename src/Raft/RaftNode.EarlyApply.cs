namespace OrleansKv.Raft;

/// <summary>
/// Applying at a leader while its Ready is outstanding. A leader's fsync would otherwise hold back
/// every answer whose quorum arrived meanwhile: the followers' acknowledgements commit entries, and
/// heartbeat answers confirm reads, but both wait for the next Ready, which waits for the disk.
/// </summary>
public sealed partial class RaftNode
{
    // Set by GetReady: the term of a leader's Ready (0: not a leader's, or it carries a snapshot), the
    // last log index when it was taken (every entry up to it is durable or in that Ready), and the
    // last committed entry handed to the shell so far.
    private ulong _earlyApplyTerm;
    private ulong _earlyApplyLastIndex;
    private ulong _handedOutCommitted;

    /// <summary>
    /// True if a Ready is outstanding, this node has led since it was taken, and entries have
    /// committed or reads been confirmed since; <see cref="TakeEarlyApply"/> hands them out.
    /// </summary>
    public bool HasEarlyApply =>
        _outstanding is not null && Role == RaftRole.Leader && Term == _earlyApplyTerm &&
        (_readStates.Count > 0 || EarlyCommitLimit > _handedOutCommitted);

    // A leader never truncates its own log, so an entry it held when the Ready was taken is the
    // committed one; entries appended later are applied only once a Ready has persisted them, so a
    // snapshot taken after Advance never covers an entry the local log lacks.
    private ulong EarlyCommitLimit => Math.Min(_log.Committed, _earlyApplyLastIndex);

    /// <summary>
    /// Hands out the committed entries and confirmed reads that need no disk, for a shell that has
    /// applied the outstanding Ready's committed entries already. They count as applied at once:
    /// the shell applies them before it next calls the node.
    /// </summary>
    public EarlyApply TakeEarlyApply()
    {
        if (!HasEarlyApply) throw new InvalidOperationException("nothing to apply early: check HasEarlyApply first");
        var committed = new List<Entry>();
        var limit = EarlyCommitLimit;
        if (limit > _handedOutCommitted)
        {
            _log.Slice(_handedOutCommitted + 1, limit + 1, _options.MaxCommittedBytesPerReady, committed);
            _handedOutCommitted = committed[^1].Index;
            _log.AppliedTo(_handedOutCommitted);
        }
        var taken = new EarlyApply(committed, _readStates);
        _readStates = [];
        return taken;
    }

    private void RecordHandedOut(Ready ready)
    {
        _earlyApplyTerm = Role == RaftRole.Leader && ready.Snapshot is null ? Term : 0;
        _earlyApplyLastIndex = _log.LastIndex;
        _handedOutCommitted = ready.CommittedEntries.Count > 0 ? ready.CommittedEntries[^1].Index : _log.Applied;
    }
}
