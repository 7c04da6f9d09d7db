namespace OrleansKv.Raft;

public sealed partial class RaftNode
{
    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Propose:
                // Forwarded to us while we were leader; we no longer are. Forwarding again could bounce
                // between stale leaders, so drop it: the proposing client's timeout covers it.
                break;
            case MessageType.AppendEntries:
                _electionElapsed = 0;
                Leader = m.From;
                HandleAppendEntries(m);
                break;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                Leader = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.InstallSnapshot:
                _electionElapsed = 0;
                Leader = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.TransferLeader:
                if (Leader != 0) Send(new Message { Type = MessageType.TransferLeader, To = Leader, Index = m.Index });
                break;
            case MessageType.TimeoutNow:
                // The leader chose us: campaign at once, skipping pre-vote, marked so voters ignore the lease.
                Campaign(CampaignKind.Transfer);
                break;
            case MessageType.ReadIndex:
                if (Leader != 0) Send(new Message { Type = MessageType.ReadIndex, To = Leader, Context = m.Context });
                else if (m.From != Id && m.From != 0) Send(new Message { Type = MessageType.ReadIndexResponse, To = m.From, Reject = true, Context = m.Context });
                break;
            case MessageType.ReadIndexResponse:
                HandleReadIndexResponse(m);
                break;
        }
    }

    private void StepCandidate(Message m)
    {
        var myResponse = Role == RaftRole.PreCandidate ? MessageType.RequestPreVoteResponse : MessageType.RequestVoteResponse;
        switch (m.Type)
        {
            case MessageType.AppendEntries:
                BecomeFollower(m.Term, m.From); // a leader exists in our term (§5.2)
                HandleAppendEntries(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.InstallSnapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            case MessageType.ReadIndexResponse:
                HandleReadIndexResponse(m);
                break;
            case MessageType.ReadIndex:
                if (m.From != Id && m.From != 0) Send(new Message { Type = MessageType.ReadIndexResponse, To = m.From, Reject = true, Context = m.Context });
                break;
            case var type when type == myResponse:
                switch (_tracker.RecordVote(m.From, !m.Reject))
                {
                    case VoteResult.Won:
                        if (Role == RaftRole.PreCandidate)
                        {
                            Campaign(CampaignKind.Election); // pre-vote won: now the real election
                        }
                        else
                        {
                            BecomeLeader();
                            BroadcastAppend();
                        }
                        break;
                    case VoteResult.Lost:
                        BecomeFollower(Term, 0);
                        break;
                }
                break;
        }
    }

    private void HandleAppendEntries(Message m)
    {
        if (m.Index < _log.Committed)
        {
            // Everything up to our commit index already matches the leader: say so, and it resumes from there.
            Send(new Message { Type = MessageType.AppendEntriesResponse, To = m.From, Index = _log.Committed });
            return;
        }
        var lastNew = _log.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries, out var appendedFrom);
        if (lastNew is { } matched)
        {
            if (appendedFrom != 0) OnEntriesAppended(appendedFrom, m.Entries);
            Send(new Message { Type = MessageType.AppendEntriesResponse, To = m.From, Index = matched });
            return;
        }
        // §5.3 consistency check failed. Hint where the logs may match: the last index at or below the
        // leader's prevIndex whose term is no greater than the leader's prevTerm.
        var (hintIndex, hintTerm) = _log.FindConflictByTerm(Math.Min(m.Index, _log.LastIndex), m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendEntriesResponse, To = m.From, Index = m.Index,
            Reject = true, RejectHint = hintIndex, LogTerm = hintTerm,
        });
    }

    private void HandleHeartbeat(Message m)
    {
        _log.CommitTo(Math.Min(m.Commit, _log.LastIndex));
        Send(new Message { Type = MessageType.HeartbeatResponse, To = m.From, Context = m.Context });
    }

    private void HandleSnapshot(Message m)
    {
        var snapshot = m.Snapshot!;
        if (Restore(snapshot))
            Send(new Message { Type = MessageType.AppendEntriesResponse, To = m.From, Index = _log.LastIndex });
        else
            Send(new Message { Type = MessageType.AppendEntriesResponse, To = m.From, Index = _log.Committed });
    }

    /// <summary>Adopts a leader's snapshot unless our log already covers it. True if the log was replaced.</summary>
    private bool Restore(Snapshot snapshot)
    {
        var meta = snapshot.Metadata;
        if (meta.Index <= _log.Committed) return false;
        if (_log.MatchTerm(meta.Index, meta.Term))
        {
            // We hold the snapshot's last entry, hence (log matching) everything before it: just commit.
            _log.CommitTo(meta.Index);
            return false;
        }
        _log.Restore(snapshot);
        _memberships.Clear();
        _memberships.Add((meta.Index, meta.Membership));
        _tracker.SetMembership(meta.Membership, _log.LastIndex + 1);
        return true;
    }

    private void HandleReadIndexResponse(Message m)
    {
        if (m.Context is null) return;
        if (m.Reject) _droppedReads.Add(m.Context);
        else _readStates.Add(new ReadState(m.Index, m.Context));
    }
}
