using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// The storage provider seam with a simulated disk: a write is visible at once (the seam's
/// contract) but durable only when its simulated fsync completes, in write order. A crash keeps
/// only what was durable; <see cref="Recover"/> is what a restarted silo reads back.
/// </summary>
internal sealed class SimGroupStore : IRaftGroupStore, ISimStore
{
    private readonly EventQueue _queue;
    private readonly Random _random;
    private readonly GrainSimStats _stats;
    private readonly MemoryRaftLog _durable;
    private MemoryRaftLog _visible;
    private long _lastCompletion;
    private int _incarnation;

    public SimGroupStore(uint group, EventQueue queue, Random random, GrainSimStats stats, MemoryRaftLog? durable = null)
    {
        GroupId = group;
        _queue = queue;
        _random = random;
        _stats = stats;
        _durable = durable ?? new MemoryRaftLog();
        _visible = Clone(_durable);
    }

    public uint GroupId { get; }

    public IRaftGroupStore Store => this;

    ISimStore ISimStore.Recover() => Recover();

    /// <summary>Test fault: a crash also forgets the last write that was reported durable (a disk that lies about fsync).</summary>
    public bool LoseLastDurableWriteOnCrash { get; set; }

    public int WritesInFlight { get; private set; }

    public HardState HardState => _visible.HardState;
    public ulong FirstIndex => _visible.FirstIndex;
    public ulong LastIndex => _visible.LastIndex;
    public Snapshot Snapshot => _visible.Snapshot;
    public bool TryGetTerm(ulong index, out ulong term) => _visible.TryGetTerm(index, out term);
    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into) => _visible.GetEntries(lo, hi, maxBytes, into);

    public void Persist(RaftWrite write, Action onDurable)
    {
        if (write.Snapshot is not null) _stats.SnapshotsInstalled++;
        ApplyWrite(_visible, write);
        Schedule(log => ApplyWrite(log, write), onDurable);
    }

    public void SaveSnapshot(Snapshot snapshot, ulong compactTo, Action onDurable)
    {
        _stats.SnapshotsTaken++;
        ApplySnapshotSave(_visible, snapshot, compactTo);
        Schedule(log => ApplySnapshotSave(log, snapshot, compactTo), onDurable);
    }

    private MemoryRaftLog? _beforeLastDurable;

    // Fsyncs complete in order, each 1-4 simulated ms after the previous one.
    private void Schedule(Action<MemoryRaftLog> makeDurable, Action onDurable)
    {
        var incarnation = _incarnation;
        var at = Math.Max(_lastCompletion, _queue.Now) + 1 + _random.Next(4);
        _lastCompletion = at;
        WritesInFlight++;
        _queue.After(at - _queue.Now, () =>
        {
            if (incarnation != _incarnation) return; // the process crashed before this fsync finished
            WritesInFlight--;
            if (LoseLastDurableWriteOnCrash) _beforeLastDurable = Clone(_durable);
            makeDurable(_durable);
            onDurable();
        });
    }

    /// <summary>The process died: everything not yet durable is gone. Returns the store a restarted silo opens.</summary>
    public SimGroupStore Recover()
    {
        _incarnation++;
        var survivor = LoseLastDurableWriteOnCrash && _beforeLastDurable is not null ? _beforeLastDurable : _durable;
        return new SimGroupStore(GroupId, _queue, _random, _stats, Clone(survivor)) { LoseLastDurableWriteOnCrash = LoseLastDurableWriteOnCrash };
    }

    private static void ApplyWrite(MemoryRaftLog log, RaftWrite write)
    {
        if (write.Snapshot is { } snapshot && snapshot.Metadata.Index > log.Snapshot.Metadata.Index) log.ApplySnapshot(snapshot);
        log.Append(write.Entries);
        if (write.HardState is { } hardState) log.SetHardState(hardState);
    }

    private static void ApplySnapshotSave(MemoryRaftLog log, Snapshot snapshot, ulong compactTo)
    {
        if (snapshot.Metadata.Index <= log.Snapshot.Metadata.Index) return;
        if (!log.TryGetTerm(snapshot.Metadata.Index, out _)) return; // a newer leader snapshot already replaced the log
        log.CreateSnapshot(snapshot.Metadata.Index, snapshot.Metadata.Membership, snapshot.Data);
        if (compactTo >= log.FirstIndex) log.Compact(Math.Min(compactTo, log.LastIndex));
    }

    private static MemoryRaftLog Clone(MemoryRaftLog source)
    {
        var copy = new MemoryRaftLog();
        if (!source.Snapshot.IsEmpty) copy.ApplySnapshot(source.Snapshot);
        if (source.LastIndex >= source.FirstIndex)
        {
            var entries = new List<Entry>();
            source.GetEntries(source.FirstIndex, source.LastIndex + 1, long.MaxValue, entries);
            copy.Append(entries);
        }
        copy.SetHardState(source.HardState);
        return copy;
    }
}
