using Google.Protobuf;
using OrleansKv.Contracts;
using OrleansKv.Replica;
using OrleansKv.Replica.Kv;
using OrleansKv.Linearizability;
using KvOperation = OrleansKv.Contracts.KvOperation;
using OrleansKv.Raft;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// One seeded run of the real grains: <see cref="RaftPeer"/>s with their
/// <see cref="KvStateMachine"/> over the storage-provider seam, driven by the simulation's clock,
/// network and disk instead of the silo's timers, sockets and files. The same kind of seeded fault
/// schedule as the Raft-core simulation then checks sessions, conditional writes, snapshots and
/// recovery, not just the log.
/// </summary>
/// <remarks>
/// Checked after every event: at most one leader per term; replicas that have applied the same
/// index have the same state digest (data, versions, sessions, clock); a replica's applied index
/// never goes back. After the fault phase everything heals, and within the liveness bound every
/// pending operation completes and all replicas converge; then one client reads every key. At the
/// end: every acknowledged write is in the final log at the index it was acknowledged with, no
/// append token appears twice in any value, and the history passes the linearizability checker.
/// </remarks>
public sealed class GrainSimulation
{
    public const uint Group = 1;

    /// <summary>A write the cluster acknowledged, with the log index (its version) it was given.</summary>
    public readonly record struct AcknowledgedWrite(ulong ClientId, ulong Sequence, ulong Index);

    private const int MaxQueuedEvents = 200_000;

    private readonly List<SimPeer> _peers = [];
    private readonly PeerOptions[] _peerOptions;
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];
    private readonly Dictionary<ulong, ulong> _digestAtIndex = [];
    private readonly GrainSimClient[] _clients;
    private readonly GrainSimNemesis _nemesis;
    private readonly int _keyCount;
    private string? _failure;

    public GrainSimulation(GrainSimOptions options)
    {
        if (options.Nodes is < 1 or > 7) throw new ArgumentException("nodes must be 1..7");
        Options = options;
        Rng = new Random(options.Seed);
        Queue = new EventQueue();
        Trace = new Trace(() => Queue.Now, options.TraceOut);
        Recorder = new HistoryRecorder(() => Queue.Now);
        Network = new GrainSimNetwork(this);
        _nemesis = new GrainSimNemesis(this);

        // Per-seed variety in the grain's tuning, all from the one PRNG: small snapshot intervals so
        // snapshots, compaction and InstallSnapshot happen many times a run; sometimes a short
        // session timeout so sessions expire mid-run.
        var voters = Enumerable.Range(1, options.Nodes).Select(i => (ulong)i).ToArray();
        var heartbeat = 1 + Rng.Next(2);
        var requestTimeout = 30 + Rng.Next(40);
        var snapshotEvery = (ulong)(15 + Rng.Next(80));
        var keptAfter = (ulong)Rng.Next(15);
        var maxBytes = new[] { 300L, 1L << 20 }[Rng.Next(2)];
        var maxInflight = new[] { 1, 4, 256 }[Rng.Next(3)];
        var sessionTimeout = Rng.Next(3) == 0 || options.RetriesReopenSessions ? 1_500L : 600_000L;
        SessionTimeoutMillis = sessionTimeout;
        _peerOptions = voters.Select(id => new PeerOptions
        {
            GroupId = Group,
            ReplicaId = id,
            InitialVoters = voters,
            ElectionTicks = 10,
            HeartbeatTicks = heartbeat,
            RequestTimeoutTicks = requestTimeout,
            SnapshotEveryEntries = snapshotEvery,
            EntriesKeptAfterSnapshot = keptAfter,
            MaxBytesPerMessage = maxBytes,
            MaxInflightMessages = maxInflight,
            Limits = new KvLimits { SessionTimeoutMilliseconds = sessionTimeout },
        }).ToArray();
        _keyCount = 2 + Rng.Next(4);

        foreach (var id in voters)
        {
            // As a silo's peer grain keeps it: GrainStateRaftStore over an Orleans grain storage provider.
            var disk = SimGrainStateStore.Open(Group, id, new SimGrainStorage(Queue, Rng) { LoseLastDurableWriteOnCrash = options.LyingDisk }, Stats, Fail);
            _peers.Add(new SimPeer(this, id, disk, clockSkewMillis: Rng.Next(-400, 401)));
        }
        _clients = Enumerable.Range(0, options.Clients).Select(i => new GrainSimClient(this, i)).ToArray();
        Trace.Note($"grain sim seed {options.Seed}: {options.Nodes} silos, heartbeat {heartbeat} ticks, request timeout {requestTimeout} ticks, " +
                   $"snapshot every {snapshotEvery} (keep {keptAfter}), max message {maxBytes} B, inflight {maxInflight}, session timeout {sessionTimeout} ms, {_keyCount} keys");
    }

    public GrainSimOptions Options { get; }
    public Random Rng { get; }
    public EventQueue Queue { get; }
    public Trace Trace { get; }
    public HistoryRecorder Recorder { get; }
    public GrainSimStats Stats { get; } = new();
    public List<AcknowledgedWrite> AcknowledgedWrites { get; } = [];
    public bool Healed { get; private set; }
    public long SessionTimeoutMillis { get; }

    internal GrainSimNetwork Network { get; }
    internal IReadOnlyList<SimPeer> Peers => _peers;

    internal SimPeer? Peer(ulong id) => id >= 1 && id <= (ulong)_peers.Count ? _peers[(int)id - 1] : null;

    internal ulong RandomPeerId(ulong except)
    {
        var id = (ulong)(1 + Rng.Next(_peers.Count));
        return id == except && _peers.Count > 1 ? id % (ulong)_peers.Count + 1 : id;
    }

    internal string RandomKey() => $"k{Rng.Next(_keyCount)}";

    /// <summary>Records the first safety violation; the run stops after the current event.</summary>
    internal void Fail(string why) => _failure ??= $"at {Queue.Now} ms: {why}";

    internal void Crash(SimPeer peer)
    {
        if (!peer.IsUp) return;
        Stats.Crashes++;
        if (peer.Disk.WritesInFlight > 0) Stats.CrashesWithFsyncInFlight++;
        Trace.Event(TraceKind.Crash, peer.Id, (ulong)peer.Disk.WritesInFlight);
        peer.Crash();
    }

    internal void Restart(SimPeer peer)
    {
        if (peer.IsUp) return;
        Trace.Event(TraceKind.Restart, peer.Id);
        peer.Activate(_peerOptions[peer.Id - 1]);
    }

    internal void Transfer(SimPeer leader)
    {
        if (leader.Grain is null) return;
        Stats.Transfers++;
        Trace.Event(TraceKind.Transfer, leader.Id);
        leader.Grain.TransferLeadershipAway();
    }

    public GrainSimResult Run()
    {
        // Storage completions resume their awaiting code inline, on the event that completes them,
        // which keeps the run deterministic. .NET inlines such continuations only where no
        // synchronization context is installed, and test runners install one.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return RunEvents();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private GrainSimResult RunEvents()
    {
        foreach (var peer in _peers) peer.Activate(_peerOptions[peer.Id - 1]);
        foreach (var client in _clients) client.Start();
        if (Options.Faults) _nemesis.Start();
        var healAt = Options.FaultMillis;
        var deadline = healAt + Options.LivenessMillis;
        Queue.After(healAt, () =>
        {
            Healed = true;
            Trace.Event(TraceKind.Heal, 0, 0, 0, "everything heals; clients stop starting new operations");
            _nemesis.HealAll();
        });

        var finalReadsStarted = false;
        var done = false;
        while (_failure is null && Queue.TryNext(deadline, out var action))
        {
            action();
            CheckSafety();
            if (Queue.Count > MaxQueuedEvents) Fail($"runaway: {Queue.Count} events queued");
            if (!Healed || _failure is not null) continue;
            if (!finalReadsStarted && Converged())
            {
                finalReadsStarted = true;
                for (var k = 0; k < _keyCount; k++) _clients[0].FinalReads.Enqueue($"k{k}");
                _clients[0].Kick();
            }
            else if (finalReadsStarted && _clients[0].FinalReads.Count == 0 && !_clients[0].Busy)
            {
                done = true;
                break;
            }
        }
        if (_failure is null && !done)
            Fail($"liveness: {Options.LivenessMillis} ms after healing the cluster has not settled ({DescribeProgress()})");
        if (_failure is null) CheckFinalState();

        CheckOutcome? linearizability = null;
        var history = Recorder.GetHistory();
        if (_failure is null)
        {
            var check = LinearizabilityChecker.Check(history, TimeSpan.FromSeconds(20));
            linearizability = check.Outcome;
            if (check.Outcome == CheckOutcome.Illegal) Fail($"the history is not linearizable: {check.Describe()}");
        }
        return new GrainSimResult
        {
            Options = Options, Failure = _failure, TraceHash = Trace.Hash, Linearizability = linearizability,
            HistoryLength = history.Count, Stats = Stats,
        };
    }

    // ------------------------------------------------------------------ checks

    private void CheckSafety()
    {
        foreach (var peer in _peers)
        {
            var grain = peer.Grain;
            if (grain is null) continue;
            if (grain.IsLeader)
            {
                if (_leaderOfTerm.TryGetValue(grain.Term, out var other) && other != peer.Id)
                    Fail($"two leaders in term {grain.Term}: n{other} and n{peer.Id}");
                _leaderOfTerm[grain.Term] = peer.Id;
            }
            var applied = grain.AppliedIndex;
            if (applied == peer.LastCheckedApplied) continue;
            if (applied < peer.LastCheckedApplied)
                Fail($"n{peer.Id}'s applied index went back from {peer.LastCheckedApplied} to {applied}");
            peer.LastCheckedApplied = applied;
            var digest = grain.StateMachine.StateDigest();
            if (_digestAtIndex.TryGetValue(applied, out var expected))
            {
                if (expected != digest) Fail($"n{peer.Id}'s state at index {applied} differs from another replica's (digest {Fnv.Hex(digest)} vs {Fnv.Hex(expected)})");
            }
            else _digestAtIndex[applied] = digest;
        }
    }

    // Settled: every silo up, a leader that has committed and applied its whole log, every replica
    // applied as far, and no client operation pending.
    private bool Converged()
    {
        if (_clients.Any(c => c.Busy) || _peers.Any(p => !p.IsUp)) return false;
        var leader = _peers.FirstOrDefault(p => p.Grain!.IsLeader);
        if (leader is null) return false;
        var node = leader.Grain!.Node;
        if (node.Commit != node.LastIndex || leader.Grain.AppliedIndex != node.LastIndex) return false;
        return _peers.All(p => p.Grain!.AppliedIndex == node.LastIndex);
    }

    private string DescribeProgress() =>
        string.Join("; ", _peers.Select(p => p.Grain is { } g
            ? $"n{p.Id} term {g.Term}{(g.IsLeader ? " leader" : "")} commit {g.Node.Commit} applied {g.AppliedIndex} last {g.Node.LastIndex}"
            : $"n{p.Id} down")) +
        $"; clients busy: {string.Join(",", _clients.Where(c => c.Busy).Select(c => c.ClientId))}";

    private void CheckFinalState()
    {
        var leader = _peers.First(p => p.Grain!.IsLeader);
        var store = leader.Store;
        // Every acknowledged write sits in the final log at the index it was acknowledged with
        // (unless compacted away, in which case the replicas' equal digests and the checker vouch for it).
        var entries = new List<Entry>(1);
        foreach (var write in AcknowledgedWrites)
        {
            if (write.Index < store.FirstIndex) continue;
            if (write.Index > store.LastIndex) { Fail($"acknowledged write {write} is beyond the final log (last index {store.LastIndex})"); return; }
            entries.Clear();
            store.GetEntries(write.Index, write.Index + 1, long.MaxValue, entries);
            var request = OrleansKv.Contracts.KvCommand.Parser.ParseFrom(entries[0].Data).Request;
            if (request.ClientId != write.ClientId || request.Sequence != write.Sequence)
            {
                Fail($"acknowledged write {write} was lost: index {write.Index} holds client {request.ClientId} #{request.Sequence}");
                return;
            }
        }
        // A retried append must apply once: no append token may appear twice in a value.
        for (var k = 0; k < _keyCount; k++)
        {
            var read = leader.Grain!.StateMachine.Read(new KvRequest { Group = Group, Operation = KvOperation.Get, Key = ByteString.CopyFromUtf8($"k{k}") });
            if (read.Status != KvStatus.Ok) continue;
            var tokens = read.Value.ToStringUtf8().Split('+', StringSplitOptions.RemoveEmptyEntries).Skip(1);
            var seen = new HashSet<string>();
            foreach (var token in tokens)
                if (!seen.Add(token)) { Fail($"append +{token} was applied twice to k{k}"); return; }
        }
    }
}
