namespace OrleansKv.Raft.Tracker;

/// <summary>The leader's view of one follower's log.</summary>
public sealed class Progress
{
    internal Progress(ulong next, int maxInflight, bool isLearner)
    {
        Next = next;
        Inflights = new Inflights(maxInflight);
        IsLearner = isLearner;
    }

    /// <summary>Highest index known to be replicated on the follower.</summary>
    public ulong Match { get; internal set; }

    /// <summary>Index of the next entry to send.</summary>
    public ulong Next { get; internal set; }

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In Snapshot state: the index of the snapshot being sent.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>In Probe state: a probe is outstanding, so sending is paused until a reply or heartbeat.</summary>
    public bool ProbeSent { get; internal set; }

    /// <summary>Heard from within the current check-quorum period.</summary>
    public bool RecentActive { get; internal set; }

    public bool IsLearner { get; internal set; }

    internal Inflights Inflights { get; }

    /// <summary>The highest commit index sent to the follower (in an append or a heartbeat).</summary>
    public ulong SentCommit { get; private set; }

    /// <summary>In Replicate state with entries in flight: an ack is coming, and the leader can answer it with the commit index.</summary>
    internal bool AwaitsAck => State == ProgressState.Replicate && Inflights.Count > 0;

    /// <summary>Records that <paramref name="commit"/> went to the follower.</summary>
    internal void CommitSent(ulong commit)
    {
        if (commit > SentCommit) SentCommit = commit;
    }

    public int InflightCount => Inflights.Count;

    /// <summary>True when the leader must not send more entries to this follower now.</summary>
    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    internal void BecomeProbe()
    {
        // Coming back from a snapshot, the follower holds at least the snapshot.
        if (State == ProgressState.Snapshot)
        {
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    internal void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    internal void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    private void ResetState(ProgressState state)
    {
        State = state;
        ProbeSent = false;
        PendingSnapshot = 0;
        Inflights.Reset();
    }

    /// <summary>The follower acknowledged entries up to <paramref name="index"/>. False if the ack is stale.</summary>
    internal bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }
        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>Records that entries up to <paramref name="lastIndex"/> were sent.</summary>
    internal void SentEntries(int count, ulong lastIndex)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (count > 0)
                {
                    Next = lastIndex + 1;
                    Inflights.Add(lastIndex);
                }
                break;
            case ProgressState.Probe:
                ProbeSent = true;
                break;
            default:
                throw new InvalidOperationException($"sending entries in state {State}");
        }
    }

    /// <summary>
    /// The follower rejected an AppendEntries whose previous index was <paramref name="rejected"/>;
    /// its log may match up to <paramref name="matchHint"/>. False if the rejection is stale.
    /// </summary>
    internal bool MaybeDecreaseTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            // Stale: we already know the logs match past the rejected index.
            if (rejected <= Match) return false;
            Next = Match + 1;
            return true;
        }
        // Probe: only the reply to the latest probe counts.
        if (Next - 1 != rejected) return false;
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    public override string ToString() =>
        $"{State} match={Match} next={Next}" + (IsLearner ? " learner" : "") +
        (State == ProgressState.Snapshot ? $" pendingSnapshot={PendingSnapshot}" : "") +
        (InflightCount > 0 ? $" inflight={InflightCount}" : "") + (ProbeSent ? " paused" : "");
}
