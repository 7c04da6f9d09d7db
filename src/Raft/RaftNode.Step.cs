namespace OrleansKv.Raft;

public sealed partial class RaftNode
{
    /// <summary>Feeds one message from a peer (or a local event) into the state machine.</summary>
    public void Step(Message m)
    {
        if (!StepTerm(m)) return;
        switch (m.Type)
        {
            case MessageType.Hup:
                if (Role != RaftRole.Leader) Campaign(_options.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
                return;
            case MessageType.RequestVote:
            case MessageType.RequestPreVote:
                HandleVoteRequest(m);
                return;
        }
        switch (Role)
        {
            case RaftRole.Leader: StepLeader(m); break;
            case RaftRole.Candidate:
            case RaftRole.PreCandidate: StepCandidate(m); break;
            default: StepFollower(m); break;
        }
    }

    /// <summary>
    /// The term rules every message passes first (§5.1, plus pre-vote and check-quorum's lease).
    /// Returns false if the message is dealt with (or ignored) here.
    /// </summary>
    private bool StepTerm(Message m)
    {
        if (m.Term == 0) return true; // local or forwarded request
        if (m.Term > Term)
        {
            var isVoteRequest = m.Type is MessageType.RequestVote or MessageType.RequestPreVote;
            if (isVoteRequest)
            {
                var forced = m.Context is { } ctx && ctx.AsSpan().SequenceEqual(TransferContext);
                var inLease = _options.CheckQuorum && Leader != 0 && _electionElapsed < _options.ElectionTicks;
                // Leader lease (§4.2.3): a node that heard from a live leader within the minimum
                // election timeout ignores candidates, so a removed or partitioned server cannot
                // depose a healthy leader. A transfer is the leader's own wish, so it passes.
                if (!forced && inLease) return false;
            }
            if (m.Type == MessageType.RequestPreVote)
            {
                // A pre-vote never changes our term.
            }
            else if (m.Type == MessageType.RequestPreVoteResponse && !m.Reject)
            {
                // Granted pre-votes carry the term we would campaign in; we move to it only when we win.
            }
            else if (m.Type is MessageType.AppendEntries or MessageType.Heartbeat or MessageType.InstallSnapshot)
            {
                BecomeFollower(m.Term, m.From);
            }
            else
            {
                BecomeFollower(m.Term, 0);
            }
            return true;
        }
        if (m.Term < Term)
        {
            if ((_options.CheckQuorum || _options.PreVote || !IsPromotable) && m.Type is MessageType.AppendEntries or MessageType.Heartbeat)
            {
                // A stale leader (or one cut off and now back) learns our term and steps down; without
                // this, under check-quorum/pre-vote it could keep a partitioned follower from ever
                // catching up, since that follower's pre-votes never raise the leader's term. A learner
                // never campaigns, so it must answer whatever the options, or it would stay cut off.
                Send(new Message { Type = MessageType.AppendEntriesResponse, To = m.From });
            }
            else if (m.Type == MessageType.RequestPreVote)
            {
                Send(new Message { Type = MessageType.RequestPreVoteResponse, To = m.From, Term = Term, Reject = true });
            }
            return false;
        }
        return true;
    }

    private enum CampaignKind
    {
        /// <summary>Ask whether we could win, without touching terms (thesis §9.6).</summary>
        PreElection,
        Election,
        /// <summary>An election the leader asked for: voters skip the leader-lease check.</summary>
        Transfer,
    }

    private void Campaign(CampaignKind kind)
    {
        if (!IsPromotable) return;
        ulong term;
        MessageType type;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            type = MessageType.RequestPreVote;
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            type = MessageType.RequestVote;
            term = Term;
        }
        if (_tracker.RecordVote(Id, true) == VoteResult.Won)
        {
            // A single-voter cluster wins at once.
            if (type == MessageType.RequestPreVote) Campaign(CampaignKind.Election);
            else BecomeLeader();
            return;
        }
        var lastIndex = _log.LastIndex;
        var lastTerm = _log.LastTerm;
        foreach (var voter in CurrentMembership.Voters)
        {
            if (voter == Id) continue;
            Send(new Message
            {
                Type = type, To = voter, Term = term, Index = lastIndex, LogTerm = lastTerm,
                Context = kind == CampaignKind.Transfer ? TransferContext : null,
            });
        }
    }

    /// <summary>§5.2 and §5.4.1: one vote per term, only for a candidate whose log is at least as up to date.</summary>
    private void HandleVoteRequest(Message m)
    {
        var responseType = m.Type == MessageType.RequestVote ? MessageType.RequestVoteResponse : MessageType.RequestPreVoteResponse;
        var canVote =
            Vote == m.From ||
            (Vote == 0 && Leader == 0) ||
            // A pre-vote for a future term promises nothing in our current term.
            (m.Type == MessageType.RequestPreVote && m.Term > Term);
        if (canVote && _log.IsUpToDate(m.Index, m.LogTerm))
        {
            Send(new Message { Type = responseType, To = m.From, Term = m.Term });
            if (m.Type == MessageType.RequestVote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message { Type = responseType, To = m.From, Term = Term, Reject = true });
        }
    }
}
