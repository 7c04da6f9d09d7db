using OrleansKv.Raft.Tracker;

namespace OrleansKv.Raft;

public sealed partial class RaftNode
{
    private void StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Beat:
                BroadcastHeartbeat(_reads.LastContext);
                return;
            case MessageType.CheckQuorum:
                if (!_tracker.QuorumActive(Id))
                {
                    // §6.2: a leader that cannot reach a quorum steps down so clients look elsewhere
                    // instead of waiting on a leader that can no longer commit.
                    BecomeFollower(Term, 0);
                    return;
                }
                _tracker.ResetRecentActive(Id);
                return;
            case MessageType.Propose:
                // A forwarded proposal: the follower cannot be told if it is dropped here; its client times out.
                if (LeadTransferee != 0 || m.Entries.Length == 0) return;
                var commands = new byte[m.Entries.Length][];
                for (var i = 0; i < commands.Length; i++)
                {
                    if (m.Entries[i].Type != EntryType.Normal) return; // membership changes are never forwarded
                    commands[i] = m.Entries[i].Data;
                }
                AppendProposals(commands);
                return;
            case MessageType.ReadIndex:
                HandleReadIndex(m);
                return;
            case MessageType.TransferLeader:
                StartTransfer(m.Index);
                return;
        }

        var progress = _tracker[m.From];
        if (progress is null) return; // not a member (any more)
        switch (m.Type)
        {
            case MessageType.AppendEntriesResponse:
                HandleAppendResponse(m, progress);
                break;
            case MessageType.HeartbeatResponse:
                HandleHeartbeatResponse(m, progress);
                break;
            case MessageType.SnapshotStatus:
                if (progress.State != ProgressState.Snapshot) break;
                // Success or not, probe next; on failure wait a heartbeat before trying again.
                var failed = m.Reject;
                progress.BecomeProbe();
                progress.ProbeSent = failed;
                break;
            case MessageType.Unreachable:
                if (progress.State == ProgressState.Replicate) progress.BecomeProbe();
                break;
        }
    }

    private ProposalResult AppendProposals(IReadOnlyList<byte[]> commands)
    {
        if (LeadTransferee != 0) return ProposalResult.Dropped(DropReason.TransferInProgress, Id);
        if (!CurrentMembership.Contains(Id)) return ProposalResult.Dropped(DropReason.NotMember, Id);
        var first = _log.LastIndex + 1;
        var entries = new Entry[commands.Count];
        for (var i = 0; i < entries.Length; i++)
            entries[i] = new Entry(first + (ulong)i, Term, EntryType.Normal, commands[i] ?? []);
        AppendLeaderEntries(entries);
        BroadcastAppend();
        return ProposalResult.Appended(Term, first, first + (ulong)entries.Length - 1, Id);
    }

    /// <summary>Appends to the leader's own log. The leader's own ack waits for Advance (it must be durable first).</summary>
    private void AppendLeaderEntries(Entry[] entries)
    {
        _log.Append(entries);
        OnEntriesAppended(entries[0].Index, entries);
    }

    /// <summary>Commits the highest index a majority holds, but only if it is from this term (§5.4.2, Figure 8).</summary>
    private bool MaybeCommit()
    {
        var index = _tracker.CommittedIndex();
        if (index <= _log.Committed || _log.Term(index) != Term) return false;
        _log.CommitTo(index);
        OnLeaderCommitAdvanced();
        return true;
    }

    private void OnLeaderCommitAdvanced()
    {
        if (_readsAwaitingLeaderCommit.Count > 0)
        {
            var waiting = _readsAwaitingLeaderCommit.ToArray();
            _readsAwaitingLeaderCommit.Clear();
            foreach (var read in waiting) HandleReadIndex(read);
        }
        // A leader that removed itself leads until the removal commits, then steps aside (thesis §4.2.2).
        if (!CurrentMembership.IsVoter(Id) && _memberships[^1].Index <= _log.Committed)
        {
            BroadcastAppend(); // let the others learn the commit before we go quiet
            BecomeFollower(Term, 0);
        }
    }

    // ---------------------------------------------------------------- replication

    private void BroadcastAppend()
    {
        foreach (var id in _tracker.Progress.Keys)
            if (id != Id) SendAppend(id, sendIfEmpty: true);
    }

    /// <summary>
    /// The commit index advanced: tell the followers. One with entries in flight is not sent an empty
    /// append of its own: it learns the commit index with the answer to its ack (new entries, or
    /// the commit alone), so under load no message carries only a commit index.
    /// </summary>
    private void BroadcastCommit()
    {
        foreach (var (id, progress) in _tracker.Progress)
            if (id != Id && !progress.AwaitsAck) SendAppend(id, sendIfEmpty: true);
    }

    /// <summary>
    /// Sends the follower the entries it lacks (up to the message size limit), or an empty append that
    /// carries the commit index, or a snapshot if its next entry is compacted. False if nothing was sent.
    /// </summary>
    private bool SendAppend(ulong to, bool sendIfEmpty)
    {
        var progress = _tracker[to];
        if (progress is null || progress.IsPaused) return false;
        var prevIndex = progress.Next - 1;
        if (!_log.TryGetTerm(prevIndex, out var prevTerm) || progress.Next < _log.FirstIndex)
            return SendSnapshot(to, progress);

        Entry[] entries = [];
        if (progress.Next <= _log.LastIndex)
        {
            // Sliced into one reused list: the message's array is the only allocation per send.
            _appendScratch.Clear();
            _log.Slice(progress.Next, _log.LastIndex + 1, _options.MaxBytesPerMessage, _appendScratch);
            entries = [.. _appendScratch];
        }
        if (entries.Length == 0 && !sendIfEmpty) return false;
        Send(new Message
        {
            Type = MessageType.AppendEntries, To = to, Index = prevIndex, LogTerm = prevTerm,
            Entries = entries, Commit = _log.Committed,
        });
        var lastSent = entries.Length > 0 ? entries[^1].Index : prevIndex;
        progress.SentEntries(entries.Length, lastSent);
        // The follower commits no further than the entries it holds from us.
        progress.CommitSent(Math.Min(_log.Committed, lastSent));
        return true;
    }

    private bool SendSnapshot(ulong to, Progress progress)
    {
        // A follower not heard from lately is probably down: don't ship it a snapshot yet.
        if (!progress.RecentActive) return false;
        var snapshot = _log.Snapshot;
        if (snapshot.IsEmpty) throw new InvalidOperationException("the log was compacted without a snapshot");
        Send(new Message { Type = MessageType.InstallSnapshot, To = to, Snapshot = snapshot });
        progress.BecomeSnapshot(snapshot.Metadata.Index);
        return true;
    }

    private void BroadcastHeartbeat(byte[]? context)
    {
        foreach (var (id, progress) in _tracker.Progress)
        {
            if (id == Id) continue;
            // Never tell a follower to commit past what it is known to hold: it may not hold it.
            var commit = Math.Min(progress.Match, _log.Committed);
            Send(new Message { Type = MessageType.Heartbeat, To = id, Commit = commit, Context = context });
            progress.CommitSent(commit);
        }
    }

    private void HandleAppendResponse(Message m, Progress progress)
    {
        progress.RecentActive = true;
        if (m.Reject)
        {
            // Skip back a whole term per round trip (§5.3's optimisation): the follower said where its
            // log might match (RejectHint) and the term there; step back past our entries of later terms.
            var nextProbe = m.RejectHint;
            if (m.LogTerm > 0) nextProbe = _log.FindConflictByTerm(m.RejectHint, m.LogTerm).Index;
            if (progress.MaybeDecreaseTo(m.Index, nextProbe))
            {
                if (progress.State == ProgressState.Replicate) progress.BecomeProbe();
                SendAppend(m.From, sendIfEmpty: true);
            }
            return;
        }

        var wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(m.Index) && !(progress.Match == m.Index && progress.State == ProgressState.Probe))
            return; // stale
        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match >= progress.PendingSnapshot:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.Inflights.FreeUpTo(m.Index);
                break;
        }
        if (MaybeCommit())
        {
            if (Role != RaftRole.Leader) return; // committed our own removal
            BroadcastCommit();
        }
        else if (wasPaused)
        {
            SendAppend(m.From, sendIfEmpty: true);
        }
        // Fill the window: a fast follower gets everything outstanding without waiting for new proposals.
        var sent = false;
        while (SendAppend(m.From, sendIfEmpty: false)) sent = true;
        // A follower that has nothing left in flight learns the commit index now, not at the next heartbeat.
        if (!sent && !progress.AwaitsAck && progress.SentCommit < Math.Min(_log.Committed, progress.Match))
            SendAppend(m.From, sendIfEmpty: true);

        if (m.From == LeadTransferee && progress.Match == _log.LastIndex)
            Send(new Message { Type = MessageType.TimeoutNow, To = m.From });
    }

    private void HandleHeartbeatResponse(Message m, Progress progress)
    {
        progress.RecentActive = true;
        progress.ProbeSent = false;
        // If every AppendEntries in the window was lost, acks never come: free a slot so the next send
        // can discover the gap (the follower rejects and we probe).
        if (progress.State == ProgressState.Replicate && progress.Inflights.IsFull) progress.Inflights.FreeFirst();
        if (progress.Match < _log.LastIndex) SendAppend(m.From, sendIfEmpty: true);

        if (m.Context is not { } context) return;
        if (_reads.RecordAck(m.From, context, CurrentMembership) < CurrentMembership.Quorum) return;
        foreach (var (index, request) in _reads.ReleaseThrough(context))
            AnswerRead(request, index);
    }

    // ---------------------------------------------------------------- reads

    private void HandleReadIndex(Message request)
    {
        if (request.Context is null) return;
        if (CurrentMembership.Voters.Count == 1 && CurrentMembership.IsVoter(Id) && CommittedInCurrentTerm)
        {
            // Alone, this node is the quorum: its commit index is current.
            AnswerRead(request, _log.Committed);
            return;
        }
        if (!CommittedInCurrentTerm)
        {
            _readsAwaitingLeaderCommit.Add(request);
            return;
        }
        if (_reads.Add(_log.Committed, request, Id)) BroadcastHeartbeat(request.Context);
    }

    private void AnswerRead(Message request, ulong index)
    {
        if (request.From == Id || request.From == 0) _readStates.Add(new ReadState(index, request.Context!));
        else Send(new Message { Type = MessageType.ReadIndexResponse, To = request.From, Index = index, Context = request.Context });
    }

    /// <summary>Leadership is lost: fail every read this leader was holding, locally or for followers.</summary>
    private void AbandonLeaderReads()
    {
        var abandoned = _reads.Clear();
        abandoned.AddRange(_readsAwaitingLeaderCommit);
        _readsAwaitingLeaderCommit.Clear();
        foreach (var request in abandoned)
        {
            if (request.From == Id || request.From == 0) _droppedReads.Add(request.Context!);
            else Send(new Message { Type = MessageType.ReadIndexResponse, To = request.From, Reject = true, Context = request.Context });
        }
    }

    // ---------------------------------------------------------------- leadership transfer

    private ProposalResult StartTransfer(ulong target)
    {
        if (target == Id) return ProposalResult.Accepted(Term, Id); // already leader
        var progress = _tracker[target];
        if (progress is null || progress.IsLearner || !CurrentMembership.IsVoter(target))
            return ProposalResult.Dropped(DropReason.InvalidTransferTarget, Id, $"node {target} is not a voter");
        if (LeadTransferee == target) return ProposalResult.Accepted(Term, Id);
        // The transfer must finish within one election timeout or it is abandoned (TickLeader). That
        // clock is also check-quorum's: switching targets keeps the deadline, so repeated requests
        // cannot hold off check-quorum forever.
        if (LeadTransferee == 0) _electionElapsed = 0;
        LeadTransferee = target;
        if (progress.Match == _log.LastIndex) Send(new Message { Type = MessageType.TimeoutNow, To = target });
        else SendAppend(target, sendIfEmpty: true);
        return ProposalResult.Accepted(Term, Id);
    }
}
