using OrleansKv.Linearizability;
using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// One seeded run of a Raft cluster under faults and client load. A single <see cref="System.Random"/>
/// seeded from the options drives everything (fault schedule, client behaviour, network and disk delays,
/// and each node's own RaftOptions.Random), and the clock is logical, so a seed replays exactly.
/// </summary>
/// <remarks>
/// Phases: the fault phase (clients run, the nemesis injects faults), then everything heals at once
/// (crashed nodes restart, links heal, loss stops, clients stop starting new operations); within the
/// liveness bound a leader must be elected, every pending operation must complete and every member
/// must apply everything committed. Safety invariants are checked after every event; at the end the
/// acknowledged writes are checked against the final state and the history for linearizability.
/// </remarks>
public sealed class Simulation
{
    private readonly SortedDictionary<ulong, SimNode> _nodes = [];
    private readonly List<SimNode> _nodesInOrder = [];
    private readonly FaultSchedule _faults;
    private readonly Membership _bootstrap;
    private readonly long _healAt;
    private readonly long _deadline;
    private ulong _nextNodeId;

    /// <summary>Far above any sane run (a few thousand in flight); beyond it the seed fails as a runaway.</summary>
    private const int MaxQueuedEvents = 200_000;

    public Simulation(SimulationOptions options)
    {
        if (options.Nodes is < 1 or > 5) throw new ArgumentException("nodes must be 1..5");
        Options = options;
        Rng = new Random(options.Seed);
        Queue = new EventQueue();
        Trace = new Trace(() => Queue.Now, options.TraceOut);
        Checker = new InvariantChecker(() => Queue.Now);
        Recorder = new HistoryRecorder(() => Queue.Now);
        Network = new SimNetwork(this);

        // Per-seed variety in the Raft configuration and the workload, all from the one PRNG.
        ElectionTicks = 10;
        HeartbeatTicks = 1 + Rng.Next(3);
        PreVote = Rng.Next(8) != 0;
        CheckQuorum = Rng.Next(8) != 0;
        MaxInflight = new[] { 1, 4, 256 }[Rng.Next(3)];
        MaxBytesPerMessage = new[] { 150L, 1000L, 1L << 20 }[Rng.Next(3)];
        MaxCommittedBytesPerReady = new[] { 150L, 16L << 20 }[Rng.Next(2)];
        SnapshotInterval = 10 + Rng.Next(90);
        SnapshotTrailingEntries = Rng.Next(20);
        KeyCount = 3 + Rng.Next(4);
        var clientCount = 3 + Rng.Next(3);

        _bootstrap = Membership.OfVoters(Enumerable.Range(1, options.Nodes).Select(i => (ulong)i).ToArray());
        Checker.SetBootstrapMembership(_bootstrap);
        Operator = new MembershipOperator(this, _bootstrap);
        _faults = new FaultSchedule(this);
        Clients = Enumerable.Range(0, clientCount).Select(i => new SimClient(this, i)).ToArray();
        _nextNodeId = (ulong)options.Nodes + 1;
        _healAt = (long)options.FaultTicks * options.TickMillis;
        _deadline = _healAt + (long)options.LivenessTicks * options.TickMillis;
    }

    public SimulationOptions Options { get; }
    public Random Rng { get; }
    public EventQueue Queue { get; }
    public Trace Trace { get; }
    public InvariantChecker Checker { get; }
    public HistoryRecorder Recorder { get; }
    public SimulationStats Stats { get; } = new();
    public List<AcknowledgedWrite> AcknowledgedWrites { get; } = [];

    internal SimNetwork Network { get; }
    internal MembershipOperator Operator { get; }
    internal SimClient[] Clients { get; }
    internal IReadOnlyList<SimNode> NodesInOrder => _nodesInOrder;

    public int ElectionTicks { get; }
    public int HeartbeatTicks { get; }
    public bool PreVote { get; }
    public bool CheckQuorum { get; }
    public int MaxInflight { get; }
    public long MaxBytesPerMessage { get; }
    public long MaxCommittedBytesPerReady { get; }
    public int SnapshotInterval { get; }
    public int SnapshotTrailingEntries { get; }
    public int KeyCount { get; }

    /// <summary>True once the fault phase is over.</summary>
    public bool Healed { get; private set; }

    internal bool InjectedDivergence { get; set; }

    internal RaftOptions RaftOptionsFor(ulong id, Membership initial) => new()
    {
        Id = id,
        InitialMembership = initial,
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        MaxInflightMessages = MaxInflight,
        MaxBytesPerMessage = MaxBytesPerMessage,
        MaxCommittedBytesPerReady = MaxCommittedBytesPerReady,
        Random = new Random(Rng.Next()),
    };

    internal SimNode? FindNode(ulong id) => _nodes.GetValueOrDefault(id);

    private SimNode AddNode(ulong id, Membership initial)
    {
        var node = new SimNode(this, id, initial);
        _nodes[id] = node;
        _nodesInOrder.Add(node);
        return node;
    }

    /// <summary>Starts a brand-new server (empty disk, no membership) for the operator to add; null if enough are running.</summary>
    internal SimNode? AddServer()
    {
        if (_nodesInOrder.Count(n => !n.Decommissioned) >= 7) return null;
        var node = AddNode(_nextNodeId++, Membership.Empty);
        node.Start();
        return node;
    }

    /// <summary>Servers clients may contact (all that are not decommissioned).</summary>
    internal bool IsInDirectory(ulong id) => FindNode(id) is { Decommissioned: false };

    internal ulong RandomDirectoryNode(ulong except)
    {
        var candidates = _nodesInOrder.Where(n => !n.Decommissioned && n.Id != except).ToList();
        if (candidates.Count == 0) return except;
        return candidates[Rng.Next(candidates.Count)].Id;
    }

    /// <summary>The live leader with the highest term, if any.</summary>
    internal SimNode? CurrentLeader()
    {
        SimNode? best = null;
        foreach (var node in _nodesInOrder)
            if (node.Raft is { Role: RaftRole.Leader } raft && (best is null || raft.Term > best.Raft!.Term))
                best = node;
        return best;
    }

    public SimulationResult Run()
    {
        string? failure = null;
        CheckOutcome? linearizability = null;
        try
        {
            foreach (var id in _bootstrap.Voters) AddNode(id, _bootstrap).Start();
            foreach (var client in Clients) client.Start();
            Operator.Start();
            if (Options.Faults) _faults.Start();
            Queue.After(_healAt, Heal);

            var settled = false;
            while (Queue.TryNext(_deadline, out var action))
            {
                // A runaway (message storm, livelock) must fail the seed, not exhaust memory.
                if (Queue.Count > MaxQueuedEvents)
                    throw new InvariantViolation($"runaway: {Queue.Count} events queued at t={Queue.Now}\n{DescribeCluster()}");
                action();
                AfterStep();
                if (Healed && IsSettled())
                {
                    settled = true;
                    break;
                }
            }
            if (!settled)
            {
                // The history is still worth checking: operations left pending count as unknown outcomes.
                var verdict = LinearizabilityChecker.Check(Recorder.GetHistory(), new CheckOptions { TimeBudget = Options.CheckBudget, MaxDegreeOfParallelism = 1 });
                throw new InvariantViolation($"liveness: not settled {Options.LivenessTicks} ticks after the faults healed (history so far: {verdict.Outcome})\n{DescribeCluster()}");
            }
            FinalChecks();
            linearizability = CheckHistory();
        }
        catch (InvariantViolation violation)
        {
            failure = violation.Message;
        }
        catch (Exception exception)
        {
            failure = $"unexpected exception at t={Queue.Now}: {exception}";
        }
        if (failure is not null) Trace.Note($"FAILED: {failure}");
        Stats.LeaderChanges = Checker.LeaderTerms;
        Stats.CommittedEntries = (long)Checker.MaxCommitted;
        return new SimulationResult
        {
            Options = Options,
            Failure = failure,
            Stats = Stats,
            TraceHash = Trace.Hash,
            Linearizability = linearizability,
            HistoryLength = Recorder.Count,
            SimulatedMillis = Queue.Now,
        };
    }

    /// <summary>
    /// Records what a node now counts as committed. Called after every step, and by a node before it
    /// takes a snapshot (its commit may have moved within the step, with no fsync in between).
    /// </summary>
    internal void ObserveCommit(SimNode node)
    {
        if (node.Raft is not { } raft) return;
        if (raft.Term > (ulong)Stats.MaxTerm) Stats.MaxTerm = (long)raft.Term;
        var commit = raft.Commit;
        if (commit < node.ObservedCommit)
            throw new InvariantViolation($"[t={Queue.Now}] commit never moves back: node {node.Id} commit went from {node.ObservedCommit} to {commit}");
        if (commit > node.ObservedCommit)
        {
            var from = Math.Max(node.ObservedCommit + 1, raft.FirstIndex);
            if (from <= commit) Checker.RecordCommitted(node.Id, raft.Term, raft.GetEntries(from, commit + 1));
            Checker.RecordCommitIndex(commit);
            node.ObservedCommit = commit;
        }
    }

    /// <summary>After every event: run each node's Ready loop, then check the safety invariants.</summary>
    private void AfterStep()
    {
        foreach (var node in _nodesInOrder) node.Pump();
        foreach (var node in _nodesInOrder) ObserveCommit(node);
        foreach (var node in _nodesInOrder)
        {
            if (node.Raft is not { Role: RaftRole.Leader } raft) continue;
            if (Checker.RecordLeader(node.Id, raft.Term))
            {
                Trace.Event(TraceKind.Leader, node.Id, raft.Term, raft.LastIndex, Trace.Verbose ? $"leader of term {raft.Term}: {raft}" : null);
                if (Options.Faults) _faults.OnNewLeader(node);
            }
            Checker.AuditLeader(node.Id, node.Incarnation, raft);
        }
    }

    /// <summary>End of the fault phase: every fault heals at once and clients stop starting operations.</summary>
    public void Heal()
    {
        Healed = true;
        Trace.Event(TraceKind.Heal, 0, detail: "all faults healed; clients finish pending operations");
        Network.HealAll();
        Network.LossRate = 0;
        Network.DuplicateRate = 0;
        Network.BurstDelayMillis = 0;
        foreach (var node in _nodesInOrder)
        {
            node.SlowDiskUntil = 0;
            if (!node.IsUp && !node.Decommissioned)
            {
                Stats.Restarts++;
                node.Start();
            }
        }
    }

    /// <summary>Liveness reached: a leader that has committed in its term, no pending client operation, every member caught up.</summary>
    private bool IsSettled()
    {
        foreach (var client in Clients) if (client.Busy) return false;
        var leaderNode = CurrentLeader();
        if (leaderNode?.Raft is not { } leader) return false;
        if (leader.Commit != leader.LastIndex || !leader.TryGetTerm(leader.Commit, out var term) || term != leader.Term) return false;
        if (leader.Commit < Checker.MaxCommitted) return false;
        ulong? digest = null;
        foreach (var id in leader.CurrentMembership.All)
        {
            var node = FindNode(id);
            if (node?.Raft is not { } raft || node.IsSyncing || raft.Commit != leader.Commit || node.Machine!.AppliedIndex != leader.Commit) return false;
            var d = node.Machine.Digest();
            if (digest is { } other && other != d) throw new InvariantViolation($"state machine safety: members disagree at {leader.Commit}\n{DescribeCluster()}");
            digest = d;
        }
        return true;
    }

    private void FinalChecks()
    {
        var leader = CurrentLeader()!;
        var members = leader.Raft!.CurrentMembership.All.Select(id => FindNode(id)!).ToList();
        InvariantChecker.CheckLogsMatch(_nodesInOrder.Where(n => !n.Decommissioned).Select(n => (n.Id, n.Storage)).ToList());

        // No acknowledged write lost: it is in the committed log at its index, and the final state has not forgotten it.
        foreach (var write in AcknowledgedWrites)
        {
            if (!Checker.TryGetApplied(write.Index, out var applied) || applied.DataHash != write.CommandHash)
                throw new InvariantViolation($"acknowledged write lost: client {write.ClientId} #{write.Sequence} on {write.Key} was acknowledged at index {write.Index}, but the log holds {(Checker.TryGetApplied(write.Index, out var other) ? other.ToString() : "nothing applied")} there");
            if (Checker.TryGetCommitted(write.Index, out var committed) && committed.DataHash != write.CommandHash)
                throw new InvariantViolation($"acknowledged write lost: index {write.Index} committed as {committed}, not client {write.ClientId} #{write.Sequence}");
            foreach (var member in members)
            {
                var machine = member.Machine!;
                if (machine.AppliedIndex < write.Index || machine.LastModified(write.Key) < write.Index)
                    throw new InvariantViolation($"acknowledged write lost: node {member.Id} (applied {machine.AppliedIndex}) shows key {write.Key} last written at {machine.LastModified(write.Key)}, before the acknowledged write at {write.Index}");
            }
        }
        Trace.Note($"settled at t={Queue.Now}: leader n{leader.Id}, commit {leader.Raft.Commit}, members {leader.Raft.CurrentMembership}");
    }

    private CheckOutcome CheckHistory()
    {
        var history = Recorder.GetHistory();
        var result = LinearizabilityChecker.Check(history, new CheckOptions { TimeBudget = Options.CheckBudget, MaxDegreeOfParallelism = 1 });
        if (result.Outcome == CheckOutcome.Illegal)
        {
            var text = result.Describe();
            if (text.Length > 6000) text = text[..6000] + "...";
            throw new InvariantViolation($"linearizability: the client history is not linearizable\n{text}");
        }
        return result.Outcome;
    }

    public string DescribeCluster()
    {
        var lines = _nodesInOrder.Select(n => "  " + n).ToList();
        lines.Add($"  clients busy: {string.Join(",", Clients.Where(c => c.Busy).Select(c => c.Id))}; committed membership {Checker.LatestCommittedMembership.Membership} at {Checker.LatestCommittedMembership.Index}; max committed {Checker.MaxCommitted}");
        return string.Join("\n", lines);
    }

    /// <summary>Runs one seed with the default options.</summary>
    public static SimulationResult Run(int seed, int? nodes = null) => new Simulation(SimulationOptions.ForSeed(seed, nodes)).Run();
}
