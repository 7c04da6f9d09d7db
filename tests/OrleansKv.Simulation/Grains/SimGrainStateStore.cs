using Orleans.Runtime;
using OrleansKv.Replica.Storage;
using OrleansKv.Storage.RaftState;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// A simulated silo whose replica keeps its state as the real peer grain does with a grain storage
/// provider: the real <see cref="GrainStateRaftStore"/> over a <see cref="SimGrainStorage"/>.
/// </summary>
internal sealed class SimGrainStateStore
{
    private readonly uint _group;
    private readonly ulong _replica;
    private readonly SimGrainStorage _storage;
    private readonly Action<string> _fail;

    private SimGrainStateStore(uint group, ulong replica, SimGrainStorage storage, Action<string> fail, IRaftGroupStore store)
    {
        _group = group;
        _replica = replica;
        _storage = storage;
        _fail = fail;
        Store = store;
    }

    /// <summary>The store the peer reads and writes.</summary>
    public IRaftGroupStore Store { get; }

    /// <summary>Writes accepted but not yet durable.</summary>
    public int WritesInFlight => _storage.WritesInFlight;

    /// <summary>Opens the replica's state: the simulated reads answer at once, so this completes synchronously.</summary>
    public static SimGrainStateStore Open(uint group, ulong replica, SimGrainStorage storage, GrainSimStats stats, Action<string> fail)
    {
        var grain = GrainId.Create("raftpeer", $"{group}+{replica}");
        var opening = GrainStateRaftStore.OpenAsync(group, storage, grain, e => fail($"replica {replica}: a storage write failed: {e.Message}"));
        if (!opening.IsCompleted) throw new InvalidOperationException("the simulated grain storage answered a read asynchronously");
        return new SimGrainStateStore(group, replica, storage, fail, new CountingStore(opening.Result, stats));
    }

    /// <summary>The process died: everything not yet durable is gone. Returns what a restarted silo opens.</summary>
    public SimGrainStateStore Recover() => Open(_group, _replica, _storage.Recover(), ((CountingStore)Store).Stats, _fail);

    /// <summary>Counts snapshots for the run's statistics.</summary>
    private sealed class CountingStore(GrainStateRaftStore inner, GrainSimStats stats) : IRaftGroupStore
    {
        public GrainSimStats Stats { get; } = stats;
        public uint GroupId => inner.GroupId;
        public bool IsBackedUp => inner.IsBackedUp;
        public OrleansKv.Raft.HardState HardState => inner.HardState;
        public ulong FirstIndex => inner.FirstIndex;
        public ulong LastIndex => inner.LastIndex;
        public OrleansKv.Raft.Snapshot Snapshot => inner.Snapshot;
        public OrleansKv.Raft.SnapshotMetadata SnapshotMetadata => inner.SnapshotMetadata;
        public Task<OrleansKv.Raft.Snapshot> ReadSnapshotAsync(OrleansKv.Raft.Snapshot sent)
        {
            if (sent.Data.Length == 0) Stats.SnapshotsReadBack++;
            return inner.ReadSnapshotAsync(sent);
        }
        public bool TryGetTerm(ulong index, out ulong term) => inner.TryGetTerm(index, out term);
        public void GetEntries(ulong lo, ulong hi, long maxBytes, List<OrleansKv.Raft.Entry> into) => inner.GetEntries(lo, hi, maxBytes, into);

        public void Persist(RaftWrite write, Action onDurable)
        {
            if (write.Snapshot is not null) Stats.SnapshotsInstalled++;
            inner.Persist(write, onDurable);
        }

        public void SaveSnapshot(OrleansKv.Raft.SnapshotMetadata metadata, SnapshotSource data, ulong compactTo, Action onDurable)
        {
            Stats.SnapshotsTaken++;
            inner.SaveSnapshot(metadata, data, compactTo, onDurable);
        }
    }
}
