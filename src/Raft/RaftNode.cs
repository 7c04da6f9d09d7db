using OrleansKv.Raft.Tracker;

namespace OrleansKv.Raft;

/// <summary>
/// One member of a Raft group as a pure state machine. It performs no I/O, starts no threads,
/// reads no clock and draws randomness only from <see cref="RaftOptions.Random"/>: the shell
/// drives it with <see cref="Tick"/>, <see cref="Step"/> and the request methods, then drains
/// its output with <see cref="GetReady"/> and acknowledges with <see cref="Advance"/>.
/// Not thread-safe: a shell calls it from one actor turn at a time.
/// </summary>
/// <remarks>
/// The file is split by concern: this part holds state, the public surface and role changes;
/// RaftNode.Step.cs the term rules and voting; RaftNode.Leader.cs replication from the leader;
/// RaftNode.Follower.cs what followers and candidates do; RaftNode.EarlyApply.cs what a leader
/// applies while its Ready is outstanding.
/// </remarks>
public sealed partial class RaftNode
{
    /// <summary>Marks a RequestVote sent because the leader asked for a transfer: voters must not ignore it under check-quorum's lease.</summary>
    private static readonly byte[] TransferContext = "transfer"u8.ToArray();

    private readonly RaftOptions _options;
    private readonly RaftLog _log;
    private readonly ProgressTracker _tracker;
    private readonly ReadIndexQueue _reads = new();

    // Membership entries in the log, oldest first; the last one is in effect (a membership takes
    // effect when appended, not when committed: thesis §4.1). Element 0 is the snapshot's (or the
    // bootstrap) membership.
    private readonly List<(ulong Index, Membership Membership)> _memberships = [];

    private List<Message> _messages = [];
    private List<ReadState> _readStates = [];
    private List<byte[]> _droppedReads = [];

    // ReadIndex requests a new leader received before committing an entry of its own term: its
    // commit index might still lag the previous leader's, so it must not answer them yet.
    private readonly List<Message> _readsAwaitingLeaderCommit = [];
    private readonly List<Entry> _appendScratch = [];

    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;
    private HardState _lastHardState;
    private SoftState _lastSoftState;
    private Ready? _outstanding;

    public RaftNode(RaftOptions options, IRaftLog storage)
    {
        options.Validate();
        _options = options;
        _log = new RaftLog(storage, options.Applied);
        _tracker = new ProgressTracker(options.MaxInflightMessages);

        var snapshot = storage.Snapshot;
        _memberships.Add(snapshot.IsEmpty ? (0, options.InitialMembership) : (snapshot.Metadata.Index, snapshot.Metadata.Membership));
        ScanStoredMemberships(storage);
        _tracker.SetMembership(CurrentMembership, _log.LastIndex + 1);

        var hardState = storage.HardState;
        BecomeFollower(hardState.Term, 0);
        Vote = hardState.Vote;
        _lastHardState = hardState;
        _lastSoftState = new SoftState(Leader, Role);
    }

    public ulong Id => _options.Id;
    public ulong Term { get; private set; }
    /// <summary>The candidate this node voted for in <see cref="Term"/> (0: none).</summary>
    public ulong Vote { get; private set; }
    /// <summary>The leader this node follows (0: unknown).</summary>
    public ulong Leader { get; private set; }
    public RaftRole Role { get; private set; }
    public ulong Commit => _log.Committed;
    public ulong Applied => _log.Applied;
    public ulong FirstIndex => _log.FirstIndex;
    public ulong LastIndex => _log.LastIndex;
    /// <summary>The membership in effect: the latest one in this node's log.</summary>
    public Membership CurrentMembership => _memberships[^1].Membership;
    /// <summary>The voter a leadership transfer is handing over to (0: none).</summary>
    public ulong LeadTransferee { get; private set; }
    /// <summary>Leader only: each member's replication progress.</summary>
    public IReadOnlyDictionary<ulong, Progress> Progress => _tracker.Progress;

    /// <summary>
    /// True if this node may campaign: it is a voter in its current membership, or a voter in the
    /// committed one that an uncommitted change drops. The old membership may still need it to elect a
    /// leader (thesis §4.2.2); it wins only with votes of its current membership, where it has none.
    /// </summary>
    public bool IsPromotable =>
        CurrentMembership.IsVoter(Id) || (_memberships[^1].Index > _log.Committed && MembershipAt(_log.Committed).IsVoter(Id));

    /// <summary>Term of the entry at <paramref name="index"/>, if the node still holds it.</summary>
    public bool TryGetTerm(ulong index, out ulong term) => _log.TryGetTerm(index, out term);

    /// <summary>Entries [lo, hi) from this node's log (diagnostics and tests).</summary>
    public IReadOnlyList<Entry> GetEntries(ulong lo, ulong hi)
    {
        var entries = new List<Entry>();
        _log.Slice(lo, hi, long.MaxValue, entries);
        return entries;
    }

    /// <summary>The membership in effect at <paramref name="index"/> (for the snapshot the shell takes there).</summary>
    public Membership MembershipAt(ulong index)
    {
        for (var i = _memberships.Count - 1; i >= 0; i--)
            if (_memberships[i].Index <= index) return _memberships[i].Membership;
        return _memberships[0].Membership;
    }

    // ---------------------------------------------------------------- inputs

    /// <summary>Advances logical time by one tick: drives elections, heartbeats and check-quorum.</summary>
    public void Tick()
    {
        if (Role == RaftRole.Leader) TickLeader();
        else TickElection();
    }

    private void TickElection()
    {
        _electionElapsed++;
        if (IsPromotable && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            Step(new Message { Type = MessageType.Hup, From = Id, To = Id });
        }
    }

    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _options.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum) Step(new Message { Type = MessageType.CheckQuorum, From = Id, To = Id });
            // A transfer that did not finish within an election timeout is abandoned.
            if (Role == RaftRole.Leader && LeadTransferee != 0) LeadTransferee = 0;
        }
        if (Role != RaftRole.Leader) return;
        if (_heartbeatElapsed >= _options.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            Step(new Message { Type = MessageType.Beat, From = Id, To = Id });
        }
    }

    /// <summary>Starts an election now, as if the election timer had fired.</summary>
    public void Campaign() => Step(new Message { Type = MessageType.Hup, From = Id, To = Id });

    /// <summary>Proposes one command. See <see cref="Propose(IReadOnlyList{byte[]})"/>.</summary>
    public ProposalResult Propose(byte[] command) => Propose([command]);

    /// <summary>
    /// Proposes a batch of commands as consecutive log entries. On the leader they are appended at
    /// once (and go out in as few AppendEntries as size limits allow); a follower forwards them to the
    /// leader; with no leader, or during a leadership transfer, they are dropped with a reason.
    /// </summary>
    public ProposalResult Propose(IReadOnlyList<byte[]> commands)
    {
        if (commands.Count == 0) throw new ArgumentException("nothing to propose", nameof(commands));
        if (Role == RaftRole.Leader) return AppendProposals(commands);
        if (Leader == 0) return ProposalResult.Dropped(DropReason.NoLeader, 0);
        if (_options.DisableProposalForwarding) return ProposalResult.Dropped(DropReason.NotLeader, Leader);
        var entries = new Entry[commands.Count];
        for (var i = 0; i < entries.Length; i++) entries[i] = new Entry(0, 0, EntryType.Normal, commands[i]);
        Send(new Message { Type = MessageType.Propose, To = Leader, Entries = entries });
        return ProposalResult.Forwarded(Leader);
    }

    /// <summary>
    /// Proposes one membership change (leader only). Refused while another change is uncommitted,
    /// and until the leader has committed an entry of its own term: the latter closes the known
    /// single-server-change hole where a new leader's change overlaps an uncommitted one of a
    /// previous leader (Ongaro, raft-dev, 2015).
    /// </summary>
    public ProposalResult ProposeMembershipChange(MembershipChange change)
    {
        if (Role != RaftRole.Leader)
            return ProposalResult.Dropped(Leader == 0 ? DropReason.NoLeader : DropReason.NotLeader, Leader);
        if (LeadTransferee != 0) return ProposalResult.Dropped(DropReason.TransferInProgress, Leader);
        if (!CommittedInCurrentTerm) return ProposalResult.Dropped(DropReason.LeaderNotReady, Leader);
        if (_memberships[^1].Index > _log.Committed) return ProposalResult.Dropped(DropReason.MembershipChangePending, Leader);
        if (!CurrentMembership.TryApply(change, out var next, out var error))
            return ProposalResult.Dropped(DropReason.InvalidMembershipChange, Leader, error);
        var index = _log.LastIndex + 1;
        AppendLeaderEntries([new Entry(index, Term, EntryType.Membership, next.Encode())]);
        BroadcastAppend();
        return ProposalResult.Appended(Term, index, index, Id);
    }

    /// <summary>
    /// Asks for a linearizable read point (ReadIndex, thesis §6.4). The answer arrives as a
    /// <see cref="ReadState"/> with the same <paramref name="context"/> in a later Ready once a
    /// quorum has confirmed this leadership, or in <see cref="Ready.DroppedReads"/> if it is abandoned.
    /// The context must be unique among the reads in flight.
    /// </summary>
    public ProposalResult ReadIndex(byte[] context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Role == RaftRole.Leader)
        {
            HandleReadIndex(new Message { Type = MessageType.ReadIndex, From = Id, To = Id, Context = context });
            return ProposalResult.Accepted(Term, Id);
        }
        if (Leader == 0) return ProposalResult.Dropped(DropReason.NoLeader, 0);
        Send(new Message { Type = MessageType.ReadIndex, To = Leader, Context = context });
        return ProposalResult.Forwarded(Leader);
    }

    /// <summary>Asks the leader to hand leadership to <paramref name="target"/> (thesis §3.10).</summary>
    public ProposalResult TransferLeadership(ulong target)
    {
        if (Role == RaftRole.Leader) return StartTransfer(target);
        if (Leader == 0) return ProposalResult.Dropped(DropReason.NoLeader, 0);
        Send(new Message { Type = MessageType.TransferLeader, To = Leader, Index = target });
        return ProposalResult.Forwarded(Leader);
    }

    /// <summary>The shell could not deliver to <paramref name="peer"/>: stop streaming to it optimistically.</summary>
    public void ReportUnreachable(ulong peer) => Step(new Message { Type = MessageType.Unreachable, From = peer, To = Id });

    /// <summary>The shell finished (or failed) sending a snapshot to <paramref name="peer"/>.</summary>
    public void ReportSnapshot(ulong peer, bool succeeded) =>
        Step(new Message { Type = MessageType.SnapshotStatus, From = peer, To = Id, Reject = !succeeded });

    // ---------------------------------------------------------------- output

    /// <summary>True if there is anything for the shell to persist, send or apply.</summary>
    public bool HasReady =>
        _outstanding is null && (
        _messages.Count > 0 || _log.Unstable.Count > 0 || _log.Unstable.Snapshot is not null ||
        _log.HasNextCommittedEntries || _readStates.Count > 0 || _droppedReads.Count > 0 ||
        CurrentHardState != _lastHardState || new SoftState(Leader, Role) != _lastSoftState);

    private HardState CurrentHardState => new(Term, Vote, _log.Committed);

    /// <summary>Collects the work for the shell. Call <see cref="Advance"/> before the next GetReady.</summary>
    public Ready GetReady()
    {
        if (_outstanding is not null) throw new InvalidOperationException("the previous Ready has not been advanced");
        var committed = new List<Entry>();
        _log.NextCommittedEntries(_options.MaxCommittedBytesPerReady, committed);
        var hardState = CurrentHardState;
        var softState = new SoftState(Leader, Role);
        // Term and vote are promises to other nodes; the commit index alone is not (see Ready.MustSync).
        var termOrVoteChanged = hardState.Term != _lastHardState.Term || hardState.Vote != _lastHardState.Vote;
        var unstableEntries = _log.Unstable.Count > 0;
        var ready = new Ready
        {
            MustSync = termOrVoteChanged || unstableEntries || _log.Unstable.Snapshot is not null,
            MessagesMayPrecedePersist = Role == RaftRole.Leader && !termOrVoteChanged && _messages.Count > 0,
            SoftState = softState != _lastSoftState ? softState : null,
            HardState = hardState != _lastHardState ? hardState : null,
            Snapshot = _log.Unstable.Snapshot,
            Entries = unstableEntries ? [.. _log.Unstable.Entries] : [],
            CommittedEntries = committed,
            Messages = _messages,
            ReadStates = _readStates,
            DroppedReads = _droppedReads,
        };
        _messages = [];
        _readStates = [];
        _droppedReads = [];
        _outstanding = ready;
        RecordHandedOut(ready);
        return ready;
    }

    /// <summary>
    /// The shell has persisted, sent and applied everything in <paramref name="ready"/>.
    /// Only now does the leader count its own copy of new entries toward commit.
    /// </summary>
    public void Advance(Ready ready)
    {
        if (!ReferenceEquals(ready, _outstanding)) throw new InvalidOperationException("Advance must be given the outstanding Ready");
        _outstanding = null;
        if (ready.HardState is { } hardState) _lastHardState = hardState;
        if (ready.SoftState is { } softState) _lastSoftState = softState;
        if (ready.Snapshot is { } snapshot)
        {
            _log.StableSnapshotTo(snapshot.Metadata.Index);
            _log.AppliedSnapshot(snapshot.Metadata.Index);
        }
        // Entries taken early (TakeEarlyApply) may have moved applied past this Ready's already.
        if (ready.CommittedEntries.Count > 0 && ready.CommittedEntries[^1].Index > _log.Applied) _log.AppliedTo(ready.CommittedEntries[^1].Index);
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            _log.StableTo(last.Index, last.Term);
            if (Role == RaftRole.Leader && _tracker[Id] is { } self && self.MaybeUpdate(StableLastIndex) && MaybeCommit() && Role == RaftRole.Leader)
                BroadcastCommit();
        }
    }

    /// <summary>Highest index whose entry is durable and still part of this node's log.</summary>
    private ulong StableLastIndex => _log.Unstable.Count > 0 ? _log.Unstable.Offset - 1 : _log.LastIndex;

    // ---------------------------------------------------------------- role changes

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = 0;
        }
        if (Role == RaftRole.Leader) AbandonLeaderReads();
        Leader = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _options.ElectionTicks + _options.Random.Next(_options.ElectionTicks);
        LeadTransferee = 0;
        _tracker.ResetVotes();
        _tracker.ResetAll(_log.LastIndex + 1);
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        Role = RaftRole.Follower;
        Leader = leader;
    }

    private void BecomePreCandidate()
    {
        if (Role == RaftRole.Leader) throw new InvalidOperationException("leader cannot become pre-candidate");
        // A pre-vote leaves term and vote alone: only a won pre-vote moves to a real election.
        Role = RaftRole.PreCandidate;
        Leader = 0;
        _tracker.ResetVotes();
    }

    private void BecomeCandidate()
    {
        if (Role == RaftRole.Leader) throw new InvalidOperationException("leader cannot become candidate");
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        if (Role == RaftRole.Follower) throw new InvalidOperationException("follower cannot become leader without an election");
        Reset(Term);
        Role = RaftRole.Leader;
        Leader = Id;
        if (_tracker[Id] is { } self)
        {
            self.Match = StableLastIndex;
            self.BecomeReplicate();
        }
        // The no-op entry (§5.4.2, §8): committing it commits every earlier entry and tells the new
        // leader its commit index is current, which reads and membership changes wait for.
        AppendLeaderEntries([new Entry(_log.LastIndex + 1, Term, EntryType.Normal, [])]);
    }

    private bool CommittedInCurrentTerm => _log.Term(_log.Committed) == Term;

    // ---------------------------------------------------------------- membership

    private void ScanStoredMemberships(IRaftLog storage)
    {
        var batch = new List<Entry>();
        for (var lo = storage.FirstIndex; lo <= storage.LastIndex;)
        {
            batch.Clear();
            storage.GetEntries(lo, storage.LastIndex + 1, 4 << 20, batch);
            foreach (var entry in batch)
                if (entry.Type == EntryType.Membership) _memberships.Add((entry.Index, Membership.Decode(entry.Data)));
            lo += (ulong)batch.Count;
        }
    }

    /// <summary>Newly appended entries from <paramref name="from"/> on replaced whatever was there: membership follows the log.</summary>
    private void OnEntriesAppended(ulong from, IReadOnlyList<Entry> entries)
    {
        var changed = false;
        while (_memberships.Count > 1 && _memberships[^1].Index >= from)
        {
            _memberships.RemoveAt(_memberships.Count - 1);
            changed = true;
        }
        foreach (var entry in entries)
        {
            if (entry.Index < from || entry.Type != EntryType.Membership) continue;
            _memberships.Add((entry.Index, Membership.Decode(entry.Data)));
            changed = true;
        }
        if (!changed) return;
        _tracker.SetMembership(CurrentMembership, _log.LastIndex + 1);
        if (LeadTransferee != 0 && !CurrentMembership.IsVoter(LeadTransferee)) LeadTransferee = 0;
    }

    private void Send(Message message)
    {
        // Votes and their answers carry their own term; forwarded requests travel with term 0 so
        // the leader treats them like local requests whatever its term.
        var term = message.Type switch
        {
            MessageType.RequestVote or MessageType.RequestVoteResponse or
            MessageType.RequestPreVote or MessageType.RequestPreVoteResponse => message.Term,
            MessageType.Propose or MessageType.ReadIndex or MessageType.TransferLeader => 0UL,
            _ => Term,
        };
        _messages.Add(new Message
        {
            Type = message.Type, From = Id, To = message.To, Term = term, LogTerm = message.LogTerm,
            Index = message.Index, Entries = message.Entries, Commit = message.Commit, Snapshot = message.Snapshot,
            Reject = message.Reject, RejectHint = message.RejectHint, Context = message.Context,
        });
    }

    public override string ToString() =>
        $"node {Id} {Role} term={Term} vote={Vote} leader={Leader} commit={Commit} applied={Applied} last={LastIndex} {CurrentMembership}";
}
