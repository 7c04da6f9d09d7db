using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Replica;

/// <summary>
/// One replica of one Raft group: drives a <see cref="RaftNode"/> and the group's
/// <see cref="KvStateMachine"/>. Its host calls the public methods as turns, one at a time: in a
/// silo the Orleans peer grain (a thin shell around this class), in tests the deterministic
/// simulation. It never blocks and takes no locks, and it references nothing of Orleans.
/// </summary>
/// <remarks>
/// Each turn ends in <see cref="Flush"/>, which follows the core's shell contract: take a Ready,
/// hand its durable part to the storage provider, and only when that is fsynced send its
/// messages, apply its committed entries, answer reads, and Advance. While a write is being made
/// durable the grain keeps taking turns; proposals arriving meanwhile collect in the core's log
/// and go out together in the next Ready (group commit falls out of the fsync latency).
/// </remarks>
public sealed class RaftPeer
{
    private readonly PeerOptions _options;
    private readonly IRaftGroupStore _store;
    private readonly IRaftTransport _transport;
    private readonly IPeerHost _host;
    private readonly RaftNode _node;
    private readonly KvStateMachine _stateMachine;
    private readonly PendingRequests _pending = new();
    private Ready? _inFlight;
    private long _ticks;
    private ulong _lastSnapshotIndex;
    private bool _snapshotInFlight;

    public RaftPeer(PeerOptions options, IRaftGroupStore store, IRaftTransport transport, IPeerHost host, Random random)
    {
        _options = options;
        _store = store;
        _transport = transport;
        _host = host;
        _stateMachine = new KvStateMachine(options.Limits);
        // The state machine lives in memory: rebuild it from the latest snapshot, and the core
        // replays the committed entries after it.
        var snapshot = store.Snapshot;
        if (!snapshot.IsEmpty) _stateMachine.RestoreSnapshot(snapshot.Metadata.Index, snapshot.Data);
        _lastSnapshotIndex = snapshot.Metadata.Index;
        _node = new RaftNode(options.ToRaftOptions(snapshot.Metadata.Index, random), store);
    }

    public uint GroupId => _options.GroupId;

    /// <summary>The leader this replica last heard of (its node id), 0 if none. Safe to read from any thread.</summary>
    public ulong KnownLeader => Volatile.Read(ref _knownLeader);
    private ulong _knownLeader;

    public bool IsLeader => _node.Role == RaftRole.Leader;

    public ulong Term => _node.Term;

    public ulong AppliedIndex => _stateMachine.AppliedIndex;

    internal KvStateMachine StateMachine => _stateMachine;

    internal RaftNode Node => _node;

    // ------------------------------------------------------------------ turns

    /// <summary>A grain-timer tick: drives elections, heartbeats and request deadlines.</summary>
    public void OnTick()
    {
        _ticks++;
        _node.Tick();
        _pending.ExpireBefore(_ticks);
        Flush();
    }

    /// <summary>Messages from another replica of the group (one grain call carries a Ready's batch for this replica).</summary>
    public void OnRaftMessages(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages) _node.Step(message);
        Flush();
    }

    /// <summary>A client request routed to this replica; <paramref name="reply"/> is called exactly once.</summary>
    public void OnClientRequest(KvRequest request, Action<KvResponse> reply)
    {
        HandleClientRequest(request, reply);
        Flush();
    }

    /// <summary>On shutdown: if this replica leads, hand leadership to the most up-to-date voter. True if a transfer started.</summary>
    public bool TransferLeadershipAway()
    {
        if (_node.Role != RaftRole.Leader) return false;
        ulong best = 0, bestMatch = 0;
        foreach (var (peer, progress) in _node.Progress)
        {
            if (peer == _node.Id || progress.IsLearner || !_node.CurrentMembership.IsVoter(peer)) continue;
            if (best == 0 || progress.Match > bestMatch) { best = peer; bestMatch = progress.Match; }
        }
        if (best == 0) return false;
        var result = _node.TransferLeadership(best);
        Flush();
        return !result.IsDropped;
    }

    // ------------------------------------------------------------------ client requests

    private void HandleClientRequest(KvRequest request, Action<KvResponse> reply)
    {
        if (_stateMachine.Validate(request) is { } invalid) { reply(invalid); return; }

        if (request.Operation == KvOperation.Get && request.Consistency == ReadConsistency.Stale)
        {
            var answer = _stateMachine.Read(request);
            answer.Stale = true;
            reply(answer);
            return;
        }
        if (_node.Role != RaftRole.Leader) { reply(NotLeader()); return; }

        // Requests are not proposed one by one: the ones already waiting in the mailbox join them,
        // and a turn posted behind those proposes every write as one batch of entries and asks one
        // ReadIndex for every read (one AppendEntries and one heartbeat round per batch, not per request).
        var deadline = _ticks + _options.RequestTimeoutTicks;
        if (request.Operation == KvOperation.Get) _bufferedReads.Add(new ClientCall(request, reply, deadline));
        else _bufferedWrites.Add(new ClientCall(request, reply, deadline));
        if (!_batchPosted)
        {
            _batchPosted = true;
            _host.Post(ProposeBuffered);
        }
    }

    private readonly List<ClientCall> _bufferedWrites = [];
    private readonly List<ClientCall> _bufferedReads = [];
    private readonly List<byte[]> _commands = [];
    private bool _batchPosted;

    private void ProposeBuffered()
    {
        _batchPosted = false;
        if (_bufferedWrites.Count > 0) ProposeWrites();
        if (_bufferedReads.Count > 0) RequestReadIndex();
        Flush();
    }

    private void ProposeWrites()
    {
        if (_node.Role != RaftRole.Leader || _store.IsBackedUp)
        {
            // Leadership moved since the requests were buffered, or the disk is behind: nothing
            // was proposed, so the refusal is true, and the clients retry.
            var refusal = _node.Role != RaftRole.Leader ? null : BackedUp();
            foreach (var write in _bufferedWrites) write.Reply(refusal?.Clone() ?? NotLeader());
            _bufferedWrites.Clear();
            return;
        }
        var proposedAt = _host.UtcNowMilliseconds;
        foreach (var write in _bufferedWrites)
            _commands.Add(new KvCommand
            {
                Request = write.Request,
                ProposedAtUnixMs = proposedAt,
                MaxKeyBytes = (uint)_options.Limits.MaxKeyBytes,
                MaxValueBytes = (uint)_options.Limits.MaxValueBytes,
            }.ToByteArray());
        var result = _node.Propose(_commands);
        for (var i = 0; i < _bufferedWrites.Count; i++)
        {
            var write = _bufferedWrites[i];
            if (result.IsDropped) write.Reply(Refused(result));
            else _pending.AddWrite(result.FirstIndex + (ulong)i, result.Term, write.Request, write.Reply, write.Deadline);
        }
        _bufferedWrites.Clear();
        _commands.Clear();
    }

    private void RequestReadIndex()
    {
        var context = _pending.AddReads(_bufferedReads);
        _bufferedReads.Clear();
        if (_node.Role != RaftRole.Leader) { _pending.DropRead(context, NotLeader()); return; }
        var read = _node.ReadIndex(BitConverter.GetBytes(context));
        if (read.IsDropped) _pending.DropRead(context, Refused(read));
    }

    private KvResponse NotLeader()
    {
        var leader = _node.Leader;
        return leader == 0 || leader == _node.Id
            ? PendingRequests.Retry(KvStatus.Unavailable, $"group {GroupId} has no leader right now")
            : new KvResponse { Status = KvStatus.NotLeader, LeaderHint = leader, LeaderName = NameOf(leader), Message = $"{NameOf(leader)} leads group {GroupId}" };
    }

    private KvResponse BackedUp() =>
        PendingRequests.Retry(KvStatus.Unavailable, $"group {GroupId}: the replica's storage is behind; nothing was written, retry shortly");

    private string NameOf(ulong replica) => _options.ReplicaNames.TryGetValue(replica, out var name) ? name : $"replica {replica}";

    private KvResponse Refused(ProposalResult result) => result.Reason switch
    {
        DropReason.NotLeader or DropReason.NotMember when result.Leader != 0 && result.Leader != _node.Id =>
            new KvResponse { Status = KvStatus.NotLeader, LeaderHint = result.Leader, LeaderName = NameOf(result.Leader), Message = result.ToString() },
        _ => PendingRequests.Retry(KvStatus.Unavailable, $"group {GroupId}: {result}"),
    };

    // ------------------------------------------------------------------ the Ready cycle

    private void Flush()
    {
        if (_inFlight is not null || !_node.HasReady) return;
        var ready = _node.GetReady();
        _inFlight = ready;
        // A leader's replication traffic does not wait for its own fsync: its disk write overlaps
        // the followers' (the core counts the leader's copy only after Advance).
        var sentEarly = ready.MessagesMayPrecedePersist;
        if (sentEarly) Send(ready);
        // Committed entries are durable on a quorum already, so they are applied (and answered)
        // while this Ready's new entries are written, not one fsync later. The state machine is
        // in memory: a crash before the write completes loses it all and rebuilds it from disk.
        ApplyReady(ready);
        var write = RaftWrite.From(ready);
        if (!write.Sync)
        {
            // Nothing to wait for: at most a commit index, written without an fsync of its own.
            if (!write.IsEmpty) _store.Persist(write, NoWait);
            OnDurable(ready, sentEarly);
            return;
        }
        _store.Persist(write, () => _host.Post(() => { OnDurable(ready, sentEarly); }));
    }

    private static readonly Action NoWait = () => { };

    private void Send(Ready ready)
    {
        if (ready.Messages.Count == 0) return;
        _transport.Send(GroupId, ready.Messages);
        // Delivery is fire-and-forget; if a snapshot is lost the follower's rejection brings the
        // leader back to probing and it sends the snapshot again.
        foreach (var message in ready.Messages)
            if (message.Type == MessageType.InstallSnapshot) _node.ReportSnapshot(message.To, succeeded: true);
    }

    // The Ready's state is durable: now it is safe to send what depends on it (votes, acknowledgements).
    private void OnDurable(Ready ready, bool sentEarly)
    {
        if (!sentEarly) Send(ready);
        _inFlight = null;
        _node.Advance(ready);
        // Everything applied is durable here (applied entries come from this Ready or earlier ones).
        MaybeSnapshot();
        Flush();
    }

    private void ApplyReady(Ready ready)
    {
        if (ready.SoftState is { } soft) OnSoftState(soft);

        if (ready.Snapshot is { } snapshot)
        {
            _stateMachine.RestoreSnapshot(snapshot.Metadata.Index, snapshot.Data);
            _lastSnapshotIndex = snapshot.Metadata.Index;
        }

        foreach (var entry in ready.CommittedEntries) Apply(entry);

        foreach (var read in ready.ReadStates)
            _pending.ConfirmRead(BitConverter.ToUInt64(read.Context), read.Index);
        foreach (var context in ready.DroppedReads)
            _pending.DropRead(BitConverter.ToUInt64(context), NotLeader());
        _pending.ServeReads(_stateMachine.AppliedIndex, _stateMachine.Read);
    }

    private void OnSoftState(SoftState soft)
    {
        Volatile.Write(ref _knownLeader, soft.Leader);
        // A replica that stops leading cannot answer what it took on; clients retry at the new
        // leader with the same (client, sequence), so a write that still commits applies once.
        if (soft.Role != RaftRole.Leader && _pending.Count > 0) _pending.FailAll(NotLeader());
    }

    private void Apply(Entry entry)
    {
        if (entry.Type != EntryType.Normal || entry.Data.Length == 0)
        {
            _stateMachine.Skip(entry.Index);
            return;
        }
        KvCommand command;
        try
        {
            command = KvCommand.Parser.ParseFrom(entry.Data);
        }
        catch (InvalidProtocolBufferException)
        {
            // Only our own leaders propose, so this is corruption; skip it the same way on every replica.
            _stateMachine.Skip(entry.Index);
            _pending.CompleteWrite(entry.Index, entry.Term, PendingRequests.Retry(KvStatus.BadRequest, "undecodable command"));
            return;
        }
        var response = _stateMachine.Apply(entry.Index, command);
        _pending.CompleteWrite(entry.Index, entry.Term, response);
    }

    // Compacts the log behind a snapshot of the state machine every SnapshotEveryEntries entries.
    // The state is frozen on this turn (a shallow copy) and encoded off the turns: encoding the
    // whole key space would otherwise stall every request of the group while it runs.
    private void MaybeSnapshot()
    {
        var applied = _stateMachine.AppliedIndex;
        if (_snapshotInFlight || applied < _lastSnapshotIndex + SnapshotInterval) return;
        if (!_node.TryGetTerm(applied, out var term)) return;
        var membership = _node.MembershipAt(applied);
        var prepare = _stateMachine.PrepareSnapshot();
        var store = _store;
        _snapshotInFlight = true;
        _lastSnapshotIndex = applied;
        // Off the turns: encode straight into the provider (a file, for the file provider); the
        // turn after only records it.
        _host.Offload(() =>
        {
            var encoding = prepare();
            return store.StageSnapshot(new SnapshotMetadata(applied, term, membership), encoding.Length, encoding.WriteTo);
        }, SaveSnapshot);
    }

    // Replicas of a group apply the same entries at about the same time; an interval that differs
    // by replica keeps them from all writing a snapshot of the whole key space at once on a shared disk.
    private ulong SnapshotInterval => _options.SnapshotEveryEntries + _options.SnapshotEveryEntries * (_options.ReplicaId % 4) / 8;

    private void SaveSnapshot(Snapshot snapshot)
    {
        var index = snapshot.Metadata.Index;
        // Meanwhile the log may have been replaced by a newer snapshot from the leader: then this one is moot.
        if (index <= _store.SnapshotMetadata.Index || !_node.TryGetTerm(index, out var term) || term != snapshot.Metadata.Term
            || index > _store.LastIndex)
        {
            _snapshotInFlight = false;
            return;
        }
        var compactTo = index > _options.EntriesKeptAfterSnapshot ? index - _options.EntriesKeptAfterSnapshot : 0;
        _store.SaveSnapshot(snapshot, compactTo, () => _host.Post(() => _snapshotInFlight = false));
    }
}
