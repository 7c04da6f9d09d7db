using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansKv.Contracts;
using OrleansKv.Grains.Placement;
using OrleansKv.Raft;
using OrleansKv.Replica;
using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Kv;
using OrleansKv.Replica.Peer;
using OrleansKv.Replica.Storage;
using OrleansKv.Storage.RaftState;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansKv.Grains;

/// <summary>
/// The Orleans shell of one replica: it activates on the silo the replica is named after, opens
/// the replica's durable state there, and drives an Orleans-free <see cref="RaftPeer"/> with
/// what Orleans provides: grain calls in (Raft messages, client requests), one-way grain calls
/// out (one batch per destination per Ready), and a grain timer for ticks.
/// </summary>
/// <remarks>
/// Reentrant: a client request returns a task the peer completes turns later, when its entry is
/// applied; a non-reentrant grain would hold every other call (the followers' acknowledgements
/// among them) until then. Each call still runs as one uninterrupted turn, because no method
/// awaits. Work the peer schedules for itself (a storage write became durable) is queued on the
/// activation's own scheduler, so it too runs as a turn of this grain. A turn that throws
/// stops the process: the Raft node may be between a Ready and its Advance, and carrying on
/// could break the durability rules.
/// </remarks>
[ReplicaPlacement, Immovable, KeepAlive, Reentrant]
internal sealed class RaftPeerGrain(
    ClusterLayout layout,
    LocalPeers localPeers,
    RaftTrafficGate gate,
    ActiveReplicas activeReplicas,
    IOptions<RaftPeerGrainOptions> options,
    TimeProvider clock,
    ILocalSiloDetails silo,
    ILogger<RaftPeerGrain> logger) : Grain, IRaftPeerGrain, IPeerHost, IRaftTransport
{
    private RaftPeer _peer = null!;
    private uint _group;
    private string _replica = "";
    private IGrainTimer? _timer;
    private PeerReferences _peers = null!;
    // Set when the store refused a write because another activation wrote: no turn runs again.
    private volatile bool _fenced;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!PeerKey.TryParse(this.GetGrainId(), out _group, out _replica))
            throw new InvalidOperationException($"{this.GetGrainId()} is not a replica's grain id");
        var group = layout.Group(_group) ?? throw new InvalidOperationException($"group {_group} is not in the cluster layout");
        if (!group.Replicas.Contains(_replica))
            throw new InvalidOperationException($"group {_group} has no replica named {_replica} (replicas: {string.Join(", ", group.Replicas)})");

        var settings = options.Value;
        var tickMs = Math.Max(1, (int)settings.TickPeriod.TotalMilliseconds);
        var peerOptions = new PeerOptions
        {
            GroupId = _group,
            ReplicaId = ReplicaId.Of(_replica),
            InitialVoters = group.VoterIds,
            ReplicaNames = layout.NamesById,
            ElectionTicks = settings.ElectionTicks,
            RequestTimeoutTicks = Math.Max(1, (int)settings.RequestTimeout.TotalMilliseconds / tickMs),
            SnapshotEveryEntries = settings.SnapshotEveryEntries,
            SnapshotEveryBytes = settings.SnapshotEveryBytes,
            Limits = new KvLimits { MaxKeyBytes = settings.MaxKeyBytes, MaxValueBytes = settings.MaxValueBytes },
        };
        _peers = new PeerReferences(GrainFactory);
        _peer = new RaftPeer(peerOptions, await OpenStoreAsync(settings), this, this, new Random());
        _peer.RoleChanged = LogRoleChange;
        _peer.SnapshotReadFailed = (follower, error) => logger.LogWarning(error,
            "group {Group} replica {Replica}: the snapshot for {Follower} could not be read back from storage; it is sent again when the follower next answers",
            _group, _replica, layout.NameOf(follower) ?? follower.ToString());
        _timer = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(settings.TickPeriod, settings.TickPeriod) { Interleave = true, KeepAlive = true });
        localPeers.Add(_group, _peer);
        logger.LogInformation("replica {Replica} of group {Group} activated (term {Term}, applied {Applied})", _replica, _group, _peer.Term, _peer.AppliedIndex);
    }

    // Through the named Orleans grain storage provider, read back asynchronously here.
    private Task<GrainStateRaftStore> OpenStoreAsync(RaftPeerGrainOptions settings)
    {
        var provider = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(settings.GrainStorageName);
        return GrainStateRaftStore.OpenAsync(_group, provider, this.GetGrainId(), OnStorageFailure);
    }

    // A refused or failed write: this replica no longer knows what is durable. A stale ETag means
    // another activation of it wrote meanwhile: this one goes quiet and deactivates (the next
    // message reads the state afresh). Anything else stops the process, as an fsync error does.
    private void OnStorageFailure(Exception error)
    {
        if (error is not InconsistentStateException) FailStop(error);
        logger.LogError(error, "replica {Replica} of group {Group}: another activation wrote its state; this one stops", _replica, _group);
        _fenced = true;
        GrainContext.Scheduler.QueueAction(DeactivateOnIdle);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        localPeers.Remove(_group, _peer);
        logger.LogInformation("replica {Replica} of group {Group} deactivated: {Reason}", _replica, _group, reason);
        return Task.CompletedTask;
    }

    private void LogRoleChange(RoleChange c) =>
        logger.LogInformation("group {Group} replica {Replica}: {OldRole} term {OldTerm} leader {OldLeader} -> {Role} term {Term} leader {Leader}; cause: {Cause}",
            _group, _replica, c.OldRole, c.OldTerm, layout.NameOf(c.OldLeader) ?? "none", c.Role, c.Term, layout.NameOf(c.Leader) ?? "none", c.Cause);

    // ------------------------------------------------------------------ grain calls in

    public Task Deliver(Message[] messages)
    {
        if (!gate.IsIsolated) RunTurn(() => _peer.OnRaftMessages(messages));
        return Task.CompletedTask;
    }

    public Task<KvResponse> Execute(KvRequest request)
    {
        if (_fenced) return Task.FromResult(Stopping());
        // Completed by the peer, on a later turn, exactly once.
        var answer = new TaskCompletionSource<KvResponse>();
        RunTurn(() => _peer.OnClientRequest(request, response => answer.TrySetResult(response)));
        return answer.Task;
    }

    public Task<KvResponse[]> ExecuteBatch(KvRequest[] requests)
    {
        // One turn takes them all, so they join one Raft batch; the call completes with the last answer.
        if (_fenced) return Task.FromResult(requests.Select(_ => Stopping()).ToArray());
        var answers = new KvResponse[requests.Length];
        var outstanding = requests.Length;
        var completion = new TaskCompletionSource<KvResponse[]>();
        if (requests.Length == 0) return Task.FromResult(answers);
        RunTurn(() =>
        {
            for (var i = 0; i < requests.Length; i++)
            {
                var slot = i;
                _peer.OnClientRequest(requests[i], response =>
                {
                    answers[slot] = response;
                    if (Interlocked.Decrement(ref outstanding) == 0) completion.TrySetResult(answers);
                });
            }
        });
        return completion.Task;
    }

    // A fenced replica takes nothing more: nothing was proposed, so the refusal is true and the client retries elsewhere.
    private static KvResponse Stopping() => new() { Status = KvStatus.Unavailable, Message = "this replica is stopping" };

    public Task<PeerStatus> GetStatus()
    {
        var leader = _peer.KnownLeader;
        return Task.FromResult(new PeerStatus(_group, _replica, leader == 0 ? "" : layout.NameOf(leader) ?? "", _peer.IsLeader, _peer.Term, _peer.AppliedIndex, silo.Name));
    }

    public Task<bool> TransferLeadershipAway()
    {
        var started = false;
        RunTurn(() => started = _peer.TransferLeadershipAway());
        return Task.FromResult(started);
    }

    private Task Tick(CancellationToken cancellationToken)
    {
        RunTurn(_peer.OnTick);
        return Task.CompletedTask;
    }

    // ------------------------------------------------------------------ what the peer asks of its host

    public void Send(uint group, IReadOnlyList<Message> messages)
    {
        if (gate.IsIsolated) return;
        // One call per destination: a Ready usually holds one message per follower, sometimes more.
        for (var i = 0; i < messages.Count; i++)
        {
            if (FirstIndexOf(messages, messages[i].To) < i) continue; // this destination's batch went out already
            if (layout.NameOf(messages[i].To) is not { } replica || !activeReplicas.IsActive(replica)) continue;
            try
            {
                // One-way: no answer, no timeout; a call Orleans cannot deliver is a lost message.
                _ = _peers.Of(group, replica).Deliver(BatchFrom(messages, i));
            }
            // ObjectDisposedException: the silo is stopping and Orleans's runtime (its copier pools
            // among them) is disposed under a turn that was already queued; that message is lost too.
            catch (Exception e) when (e is OrleansException or TimeoutException or ObjectDisposedException)
            {
                logger.LogDebug(e, "group {Group}: could not send to {Replica}", group, replica);
            }
        }
    }

    private static int FirstIndexOf(IReadOnlyList<Message> messages, ulong to)
    {
        for (var i = 0; i < messages.Count; i++) if (messages[i].To == to) return i;
        return -1;
    }

    // The messages for the destination of messages[first], in Ready order (first is its first).
    private static Message[] BatchFrom(IReadOnlyList<Message> messages, int first)
    {
        var to = messages[first].To;
        var count = 0;
        for (var i = first; i < messages.Count; i++) if (messages[i].To == to) count++;
        var batch = new Message[count];
        for (int i = first, n = 0; n < count; i++) if (messages[i].To == to) batch[n++] = messages[i];
        return batch;
    }

    public void Post(Action work) => GrainContext.Scheduler.QueueAction(() => RunTurn(work));

    public void Offload<T>(Func<T> work, Action<T> then) => _ = Task.Run(() =>
    {
        T result;
        try
        {
            result = work();
        }
        catch (Exception e)
        {
            FailStop(e);
            throw;
        }
        Post(() => then(result));
    });

    public long UtcNowMilliseconds => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void RunTurn(Action turn)
    {
        if (_fenced) return;
        try
        {
            turn();
        }
        catch (Exception e) when (!_fenced)
        {
            FailStop(e);
            throw;
        }
    }

    private void FailStop(Exception e)
    {
        logger.LogCritical(e, "replica {Replica} of group {Group}: a turn failed; stopping the process", _replica, _group);
        Environment.FailFast($"replica {_replica} of group {_group}: a turn failed: {e}");
    }
}
