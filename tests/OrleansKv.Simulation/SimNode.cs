using System.Text;
using OrleansKv.Linearizability;
using OrleansKv.Raft;

namespace OrleansKv.Simulation;

/// <summary>
/// One server: a <see cref="RaftNode"/> with its shell, a KV state machine, and a <see cref="MemoryRaftLog"/>
/// as its disk. The shell follows the Ready contract with a realistic disk: a Ready that must be synced
/// is written only when its fsync completes, some milliseconds later; its messages go out after that
/// (a leader's before), then a snapshot is installed, then Advance. Committed entries are applied while
/// the fsync runs, and a leader applies what commits meanwhile (RaftNode.TakeEarlyApply). One Ready at a time. A crash
/// loses the Ready in flight, the core and the state machine; the disk survives. A restart builds a new
/// RaftNode over the same disk and rebuilds the state machine from the stored snapshot plus replay.
/// </summary>
internal sealed class SimNode
{
    private readonly Simulation _sim;
    private readonly Membership _initialMembership;
    private readonly Dictionary<(int Client, ulong Sequence), ClientRequest> _proposals = [];
    private readonly Dictionary<string, ClientRequest> _readsAwaitingIndex = new(StringComparer.Ordinal);
    private readonly List<(ulong Index, ClientRequest Request)> _readsAwaitingApply = [];
    private Ready? _syncing;
    private HardState? _unsyncedCommit;
    private long _readCounter;

    public SimNode(Simulation sim, ulong id, Membership initialMembership)
    {
        _sim = sim;
        Id = id;
        _initialMembership = initialMembership;
    }

    public ulong Id { get; }

    /// <summary>The disk: survives crashes.</summary>
    public MemoryRaftLog Storage { get; } = new();

    public RaftNode? Raft { get; private set; }

    public KvStateMachine? Machine { get; private set; }

    /// <summary>Bumped on every crash and restart, so events of an earlier life are ignored.</summary>
    public int Incarnation { get; private set; }

    public bool IsUp => Raft is not null;

    /// <summary>Removed from the cluster and shut down for good (ids are never reused).</summary>
    public bool Decommissioned { get; private set; }

    /// <summary>Commit index last observed on this incarnation (commit must never move back).</summary>
    public ulong ObservedCommit { get; set; }

    /// <summary>While the clock is before this, fsyncs take <see cref="SlowDiskFactor"/> times longer.</summary>
    public long SlowDiskUntil { get; set; }

    public int SlowDiskFactor { get; set; } = 1;

    public bool IsSyncing => _syncing is not null;

    public void Start()
    {
        Incarnation++;
        Raft = new RaftNode(_sim.RaftOptionsFor(Id, _initialMembership), Storage);
        Machine = KvStateMachine.Restore(Storage.Snapshot);
        if (Machine.AppliedIndex > 0) _sim.Checker.RecordMachineState(Id, Machine.AppliedIndex, Machine.Digest());
        ObservedCommit = 0;
        _sim.Trace.Event(TraceKind.Restart, Id, (ulong)Incarnation, Storage.LastIndex,
            _sim.Trace.Verbose ? $"start #{Incarnation}: disk {Storage.FirstIndex}..{Storage.LastIndex} {Storage.HardState} snapshot {Storage.Snapshot.Metadata.Index}" : null);
        ScheduleTick(Incarnation, firstTick: true);
    }

    /// <summary>Power loss: the core, the state machine and any unsynced Ready are gone; the disk stays.</summary>
    public void Crash()
    {
        if (!IsUp) return;
        _sim.Stats.Crashes++;
        if (_syncing is not null) _sim.Stats.CrashesDuringFsync++;
        _sim.Trace.Event(TraceKind.Crash, Id, (ulong)Incarnation, _syncing is null ? 0UL : 1UL,
            _sim.Trace.Verbose ? $"crash{(_syncing is null ? "" : " with an fsync in flight (its Ready is lost)")}" : null);
        Raft = null;
        Machine = null;
        _syncing = null;
        _unsyncedCommit = null;
        _proposals.Clear();
        _readsAwaitingIndex.Clear();
        _readsAwaitingApply.Clear();
        Incarnation++;
    }

    public void Decommission()
    {
        if (Decommissioned) return;
        Raft = null;
        Machine = null;
        _syncing = null;
        _unsyncedCommit = null;
        _proposals.Clear();
        _readsAwaitingIndex.Clear();
        _readsAwaitingApply.Clear();
        Incarnation++;
        Decommissioned = true;
        _sim.Trace.Event(TraceKind.Decommission, Id, detail: "decommissioned");
    }

    private void ScheduleTick(int incarnation, bool firstTick = false)
    {
        // Each node's clock runs a little fast or slow, and nodes start out of phase.
        var delay = firstTick ? 1 + _sim.Rng.Next(_sim.Options.TickMillis) : _sim.Options.TickMillis - 1 + _sim.Rng.Next(3);
        _sim.Queue.After(delay, () =>
        {
            if (incarnation != Incarnation || !IsUp) return;
            _sim.Stats.Ticks++;
            Raft!.Tick();
            ScheduleTick(incarnation);
        });
    }

    public void Receive(Message m) => Raft!.Step(m);

    /// <summary>Runs the Ready loop as far as it can go now: until a Ready waits for its fsync, or nothing is ready.</summary>
    public void Pump()
    {
        var rounds = 0;
        while (Raft is { } raft && _syncing is null && raft.HasReady)
        {
            if (++rounds > 10_000) throw new InvariantViolation($"[t={_sim.Queue.Now}] runaway: node {Id} keeps producing Readies without syncing: {raft}");
            var ready = raft.GetReady();
            if (!ready.MustSync)
            {
                Complete(ready, sentEarly: false, appliedEarly: false);
                continue;
            }
            // A leader's replication traffic goes out while its own fsync runs (thesis 10.2.1).
            var sentEarly = ready.MessagesMayPrecedePersist;
            if (sentEarly) Send(ready);
            // Committed entries are durable on a quorum: applied while the fsync runs, as the
            // replica's shell does (a snapshot to install waits for the write, and they with it).
            var appliedEarly = ready.Snapshot is null;
            if (appliedEarly) ApplyCommitted(ready);
            _syncing = ready;
            var incarnation = Incarnation;
            _sim.Trace.Event(TraceKind.ReadyBegin, Id, (ulong)ready.Entries.Count, ready.HardState?.Commit ?? 0,
                _sim.Trace.Verbose ? $"fsync started: {ready.Entries.Count} entries{(ready.HardState is { } hs ? $" {hs}" : "")}{(ready.Snapshot is { } s ? $" snapshot {s.Metadata.Index}" : "")}, {ready.Messages.Count} messages held" : null);
            _sim.Queue.After(FsyncDelay(), () =>
            {
                if (incarnation != Incarnation || !ReferenceEquals(_syncing, ready)) return; // crashed meanwhile: the write never happened
                _syncing = null;
                Complete(ready, sentEarly, appliedEarly);
            });
            break;
        }
        // While a leader's fsync runs, what commits or is confirmed meanwhile is applied now.
        if (Raft is { } leader && _syncing is not null && leader.HasEarlyApply)
        {
            var early = leader.TakeEarlyApply();
            _sim.Stats.EarlyAppliedEntries += early.CommittedEntries.Count;
            foreach (var entry in early.CommittedEntries) Apply(entry);
            AwaitApply(early.ReadStates);
            ServeReads();
        }
    }

    private void Send(Ready ready)
    {
        var checker = _sim.Checker;
        foreach (var m in ready.Messages)
        {
            if (m.Type == MessageType.RequestVoteResponse && !m.Reject) checker.RecordVoteGranted(Id, m.Term, m.To);
            if (m.Type == MessageType.AppendEntries) checker.RecordAppendMessage(m);
            _sim.Network.Send(m, Incarnation);
        }
    }

    private long FsyncDelay()
    {
        long delay = 1 + _sim.Rng.Next(4);
        if (_sim.Rng.Next(20) == 0) delay += _sim.Rng.Next(30);
        if (_sim.Queue.Now < SlowDiskUntil) delay *= SlowDiskFactor;
        return delay;
    }

    /// <summary>The Ready is durable (or needed no sync): send, apply (unless done while it synced), advance.</summary>
    private void Complete(Ready ready, bool sentEarly, bool appliedEarly)
    {
        var raft = Raft!;
        var checker = _sim.Checker;

        // 1. Persist: snapshot, entries, hard state.
        if (ready.Snapshot is { } snapshot)
        {
            Storage.ApplySnapshot(snapshot);
            checker.RecordSnapshotPoint(Id, snapshot.Metadata.Index, snapshot.Metadata.Term);
            _sim.Stats.SnapshotsInstalled++;
        }
        if (ready.Entries.Count > 0)
        {
            Storage.Append(ready.Entries);
            checker.RecordStoredEntries(Id, Storage, ready.Entries);
        }
        if (ready.HardState is { } hardState)
        {
            if (ready.MustSync)
            {
                Storage.SetHardState(hardState);
                checker.RecordDurableHardState(Id, hardState);
                _unsyncedCommit = null;
            }
            else
            {
                // Only the commit index moved: written without an fsync, so it reaches the disk
                // with the next synced Ready, and a crash before that loses it.
                _unsyncedCommit = hardState;
            }
        }
        else if (ready.MustSync && _unsyncedCommit is { } pending)
        {
            Storage.SetHardState(pending);
            checker.RecordDurableHardState(Id, pending);
            _unsyncedCommit = null;
        }
        if (ready.MustSync)
            _sim.Trace.Event(TraceKind.Persisted, Id, Storage.LastIndex, Storage.HardState.Term,
                _sim.Trace.Verbose ? $"persisted: disk {Storage.FirstIndex}..{Storage.LastIndex} {Storage.HardState}" : null);

        // 2. Send: votes and acks in these messages promise what was just persisted.
        if (!sentEarly) Send(ready);

        // 3. Apply: install the snapshot, then committed entries in order.
        if (ready.Snapshot is { } installed)
        {
            Machine = KvStateMachine.Restore(installed);
            checker.RecordMachineState(Id, Machine.AppliedIndex, Machine.Digest());
            _sim.Trace.Event(TraceKind.Snapshot, Id, installed.Metadata.Index, installed.Metadata.Term,
                _sim.Trace.Verbose ? $"installed snapshot {installed.Metadata.Term}/{installed.Metadata.Index} {installed.Metadata.Membership}" : null);
        }
        if (!appliedEarly) ApplyCommitted(ready);
        foreach (var context in ready.DroppedReads)
        {
            if (_readsAwaitingIndex.Remove(Encoding.UTF8.GetString(context), out var request))
                Refuse(request, raft.Leader);
        }

        // 4. Advance, then housekeeping that needs no Ready outstanding.
        raft.Advance(ready);
        MaybeSnapshot();
        ServeReads();
    }

    private void ApplyCommitted(Ready ready)
    {
        foreach (var entry in ready.CommittedEntries) Apply(entry);
        AwaitApply(ready.ReadStates);
    }

    private void AwaitApply(IReadOnlyList<ReadState> reads)
    {
        foreach (var read in reads)
        {
            if (_readsAwaitingIndex.Remove(Encoding.UTF8.GetString(read.Context), out var request))
                _readsAwaitingApply.Add((read.Index, request));
        }
    }

    private void Apply(Entry entry)
    {
        var machine = Machine!;
        if (_sim.Options.InjectDivergentApply && Id == 1 && entry.Index >= 10 && entry.Type == EntryType.Normal && entry.Data.Length > 0 && !_sim.InjectedDivergence)
        {
            // Test hook: pretend this replica's disk returned a corrupted entry.
            _sim.InjectedDivergence = true;
            var data = (byte[])entry.Data.Clone();
            data[^1] ^= 0xFF;
            entry = entry with { Data = data };
        }
        _sim.Checker.RecordApplied(Id, entry);
        var result = machine.Apply(entry);
        _sim.Checker.RecordMachineState(Id, entry.Index, machine.Digest());
        if (result is not { } applied) return;
        if (applied.Duplicate) _sim.Stats.DuplicateApplies++;
        if (_sim.Trace.Verbose) _sim.Trace.Note($"n{Id} applied {entry.Index}: {applied.Command} -> {applied.Output}{(applied.Duplicate ? " (retry answered from session)" : "")}");
        if (_proposals.Remove((applied.Command.ClientId, applied.Command.Sequence), out var request))
            Answer(request, applied.Output, applied.Index);
    }

    /// <summary>Every so often the state machine is snapshotted and the log compacted, keeping a few trailing entries.</summary>
    private void MaybeSnapshot()
    {
        var raft = Raft!;
        var applied = Machine!.AppliedIndex;
        var last = Storage.Snapshot.Metadata.Index;
        if (applied < last + (ulong)_sim.SnapshotInterval || !Storage.TryGetTerm(applied, out var term)) return;
        _sim.ObserveCommit(this);
        Storage.CreateSnapshot(applied, raft.MembershipAt(applied), Machine.Serialize());
        _sim.Checker.RecordSnapshotPoint(Id, applied, term);
        _sim.Stats.SnapshotsTaken++;
        var keep = (ulong)_sim.SnapshotTrailingEntries;
        if (applied > keep) Storage.Compact(applied - keep);
        _sim.Trace.Event(TraceKind.Snapshot, Id, applied, term,
            _sim.Trace.Verbose ? $"snapshot taken at {term}/{applied}, log now {Storage.FirstIndex}..{Storage.LastIndex}" : null);
    }

    private void ServeReads()
    {
        if (_readsAwaitingApply.Count == 0) return;
        var machine = Machine!;
        for (var i = 0; i < _readsAwaitingApply.Count;)
        {
            var (index, request) = _readsAwaitingApply[i];
            if (index > machine.AppliedIndex)
            {
                i++;
                continue;
            }
            _readsAwaitingApply.RemoveAt(i);
            Answer(request, machine.Read(request.Command.Key), 0);
        }
    }

    public void OnClientRequest(ClientRequest request)
    {
        var raft = Raft!;
        if (request.Command.Kind == KvOperationKind.Get && request.Path == ReadPath.ReadIndex)
        {
            var context = $"{Id}.{Incarnation}.{++_readCounter}";
            var result = raft.ReadIndex(Encoding.UTF8.GetBytes(context));
            if (result.IsDropped) Refuse(request, result.Leader);
            else _readsAwaitingIndex[context] = request;
            return;
        }
        var proposal = raft.Propose(request.Encoded);
        if (proposal.IsDropped) Refuse(request, proposal.Leader);
        else _proposals[(request.ClientId, request.Sequence)] = request;
    }

    private void Answer(ClientRequest request, KvOutput output, ulong index) =>
        _sim.Network.SendToClient(new ClientReply(request.ClientId, request.Sequence, request.Attempt, Id, output, index, Refused: false, LeaderHint: 0));

    private void Refuse(ClientRequest request, ulong leaderHint) =>
        _sim.Network.SendToClient(new ClientReply(request.ClientId, request.Sequence, request.Attempt, Id, KvOutput.Unknown, 0, Refused: true, leaderHint));

    public override string ToString() =>
        Decommissioned ? $"node {Id} decommissioned" :
        Raft is null ? $"node {Id} down (disk {Storage.FirstIndex}..{Storage.LastIndex} {Storage.HardState})" :
        $"{Raft} machine={Machine!.AppliedIndex}{(IsSyncing ? " fsync-in-flight" : "")}";
}
