using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Peer;
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
/// Each turn ends in <see cref="ReadyCycle.Flush"/>, which follows the core's shell contract: take a Ready,
/// hand its durable part to the storage provider, and only when that is fsynced send its
/// messages, apply its committed entries, answer reads, and Advance. While a write is being made
/// durable the grain keeps taking turns; proposals arriving meanwhile collect in the core's log
/// and go out together in the next Ready (group commit falls out of the fsync latency).
/// This class only routes the turns; the jobs are its parts: <see cref="ClientRequestBatcher"/>
/// (client requests, batched per mailbox burst), <see cref="ReadyCycle"/> (persist, send, Advance),
/// <see cref="ReadyApplier"/> (apply entries, answer writes and reads), <see cref="SnapshotPolicy"/>
/// (snapshot and compaction) and <see cref="LeadershipHandOff"/> (the successor at shutdown).
/// </remarks>
public sealed class RaftPeer
{
    private readonly PeerOptions _options;
    private readonly RaftNode _node;
    private readonly KvStateMachine _stateMachine;
    private readonly PendingRequests _pending = new();
    private readonly ClientRequestBatcher _batcher;
    private readonly ReadyCycle _readyCycle;
    private readonly ReadyApplier _applier;
    private readonly RoleWatch _roles;
    private long _ticks;

    /// <summary>Activates the replica over what <paramref name="store"/> holds; <paramref name="random"/> drives the core's election timeouts.</summary>
    public RaftPeer(PeerOptions options, IRaftGroupStore store, IRaftTransport transport, IPeerHost host, Random random)
    {
        _options = options;
        _stateMachine = new KvStateMachine(options.Limits);
        // The state machine lives in memory: rebuild it from the latest snapshot, and the core
        // replays the committed entries after it.
        var snapshot = store.Snapshot;
        if (!snapshot.IsEmpty) _stateMachine.RestoreSnapshot(snapshot.Metadata.Index, snapshot.Data);
        _node = new RaftNode(options.ToRaftOptions(snapshot.Metadata.Index, random), store);
        var refusals = new PeerRefusals(options, _node);
        var snapshots = new SnapshotPolicy(options, store, host, _node, _stateMachine, snapshot.Metadata.Index);
        _applier = new ReadyApplier(_stateMachine, _pending, refusals, snapshots, _node.Term);
        _readyCycle = new ReadyCycle(options.GroupId, _node, store, transport, host, _applier, snapshots);
        _batcher = new ClientRequestBatcher(options, _node, store, host, _stateMachine, _pending, refusals, _readyCycle);
        _roles = new RoleWatch(_node, options.ReplicaNames);
    }

    /// <summary>Called (on the peer's turn) when a turn changed this replica's role, term or known leader, with the cause.</summary>
    public Action<RoleChange>? RoleChanged
    {
        get => _roles.Changed;
        set => _roles.Changed = value;
    }

    /// <summary>Called (on the peer's turn) when a snapshot for a follower could not be read back from storage: the follower and the error.</summary>
    public Action<ulong, Exception>? SnapshotReadFailed
    {
        get => _readyCycle.SnapshotReadFailed;
        set => _readyCycle.SnapshotReadFailed = value;
    }

    public uint GroupId => _options.GroupId;

    /// <summary>The leader this replica last heard of (its node id), 0 if none. Safe to read from any thread.</summary>
    public ulong KnownLeader => _applier.Known.Leader;

    /// <summary>The leader this replica last heard of (0 if none) and the term it knows, as one snapshot. Safe to read from any thread.</summary>
    public Leadership KnownLeadership => _applier.Known;

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
        _roles.Before();
        _node.Tick();
        _roles.AfterTick(_ticks);
        _pending.ExpireBefore(_ticks);
        _readyCycle.Flush();
    }

    /// <summary>Messages from another replica of the group (one grain call carries a Ready's batch for this replica).</summary>
    public void OnRaftMessages(IReadOnlyList<Message> messages)
    {
        _roles.Before();
        _roles.Heard(messages, _ticks);
        foreach (var message in messages) _node.Step(message);
        _roles.AfterMessages(messages);
        _readyCycle.Flush();
    }

    /// <summary>A client request routed to this replica; <paramref name="reply"/> is called exactly once.</summary>
    public void OnClientRequest(KvRequest request, Action<KvResponse> reply)
    {
        _batcher.Accept(request, reply, _ticks);
        _readyCycle.Flush();
    }

    /// <summary>On shutdown: if this replica leads, hand leadership to the most up-to-date voter. True if a transfer started.</summary>
    public bool TransferLeadershipAway()
    {
        if (_node.Role != RaftRole.Leader) return false;
        var best = LeadershipHandOff.MostUpToDateVoter(_node);
        if (best == 0) return false;
        var result = _node.TransferLeadership(best);
        _readyCycle.Flush();
        return !result.IsDropped;
    }
}
