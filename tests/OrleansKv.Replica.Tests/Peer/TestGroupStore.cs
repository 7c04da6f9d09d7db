using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Tests.Peer;

/// <summary>An in-memory store whose fsyncs complete only when the test harness says so.</summary>
internal sealed class TestGroupStore(uint group) : IRaftGroupStore
{
    private readonly MemoryRaftLog _log = new();
    private readonly Queue<Action> _pendingFsyncs = new();

    public uint GroupId => group;
    public HardState HardState => _log.HardState;
    public ulong FirstIndex => _log.FirstIndex;
    public ulong LastIndex => _log.LastIndex;
    public Snapshot Snapshot => _log.Snapshot;
    public int Fsyncs { get; private set; }

    /// <summary>Set by a test to play a provider whose write queue is over its budget.</summary>
    public bool IsBackedUp { get; set; }

    /// <summary>Set by a test to play a store that dropped its snapshot's bytes: reading them back waits for the test.</summary>
    public TaskCompletionSource<Snapshot>? SnapshotRead { get; set; }

    public Task<Snapshot> ReadSnapshotAsync(Snapshot sent) => SnapshotRead?.Task ?? Task.FromResult(sent);

    public bool TryGetTerm(ulong index, out ulong term) => _log.TryGetTerm(index, out term);
    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into) => _log.GetEntries(lo, hi, maxBytes, into);

    public void Persist(RaftWrite write, Action onDurable)
    {
        if (write.Snapshot is { } snapshot) _log.ApplySnapshot(snapshot);
        _log.Append(write.Entries);
        if (write.HardState is { } hardState) _log.SetHardState(hardState);
        // A write that needs no fsync (only the commit index moved) is not one.
        if (write.Sync) _pendingFsyncs.Enqueue(onDurable);
        else NonSyncedWrites++;
    }

    public int NonSyncedWrites { get; private set; }

    public void SaveSnapshot(SnapshotMetadata metadata, SnapshotSource data, ulong compactTo, Action onDurable)
    {
        _log.CreateSnapshot(metadata.Index, metadata.Membership, data.ReadAll());
        _log.Compact(compactTo);
        _pendingFsyncs.Enqueue(onDurable);
    }

    /// <summary>While set, writes stay in flight: their fsync never completes.</summary>
    public bool HoldFsyncs { get; set; }

    /// <summary>Completes every write issued so far; false if there was none (or they are held).</summary>
    public bool CompleteFsyncs()
    {
        if (_pendingFsyncs.Count == 0 || HoldFsyncs) return false;
        while (_pendingFsyncs.TryDequeue(out var done)) { Fsyncs++; done(); }
        return true;
    }
}
