using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Kv;
using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Replica.Peer;

/// <summary>
/// When a replica snapshots its state machine and compacts its log: every
/// <see cref="PeerOptions.SnapshotEveryEntries"/> applied entries (give or take a per-replica
/// stagger) or <see cref="PeerOptions.SnapshotEveryBytes"/> applied bytes (less a stagger), whichever comes first,
/// one snapshot at a time, encoded off the turns as the storage provider writes it.
/// </summary>
internal sealed class SnapshotPolicy
{
    private readonly PeerOptions _options;
    private readonly IRaftGroupStore _store;
    private readonly IPeerHost _host;
    private readonly RaftNode _node;
    private readonly KvStateMachine _stateMachine;
    private ulong _lastSnapshotIndex;
    private long _bytesSinceSnapshot;
    private bool _snapshotInFlight;

    public SnapshotPolicy(PeerOptions options, IRaftGroupStore store, IPeerHost host, RaftNode node, KvStateMachine stateMachine, ulong lastSnapshotIndex)
    {
        _options = options;
        _store = store;
        _host = host;
        _node = node;
        _stateMachine = stateMachine;
        _lastSnapshotIndex = lastSnapshotIndex;
    }

    /// <summary>The state machine was replaced by a snapshot from the leader: the next interval counts from it.</summary>
    public void Installed(ulong index)
    {
        _lastSnapshotIndex = index;
        _bytesSinceSnapshot = 0;
    }

    /// <summary>Counts the bytes of the entries a Ready applied.</summary>
    public void Applied(long bytes) => _bytesSinceSnapshot += bytes;

    // Compacts the log behind a snapshot of the state machine every SnapshotEveryEntries entries or SnapshotEveryBytes bytes.
    // The state is frozen on this turn (a shallow copy) and encoded off the turns, a chunk at a time
    // as the store writes it: encoding the whole key space on a turn would stall every request of
    // the group, and encoding it ahead of the write would hold a second copy of it in memory.
    public void MaybeSnapshot()
    {
        var applied = _stateMachine.AppliedIndex;
        if (_snapshotInFlight || applied <= _lastSnapshotIndex) return;
        if (applied < _lastSnapshotIndex + SnapshotInterval && _bytesSinceSnapshot < SnapshotBytes) return;
        if (!_node.TryGetTerm(applied, out var term)) return;
        var metadata = new SnapshotMetadata(applied, term, _node.MembershipAt(applied));
        var prepare = _stateMachine.PrepareSnapshot();
        _snapshotInFlight = true;
        _lastSnapshotIndex = applied;
        _bytesSinceSnapshot = 0;
        // Measured off the turns; the store then encodes it as it writes it, also off the turns.
        _host.Offload(prepare, data => SaveSnapshot(metadata, data));
    }

    // Replicas of a group apply the same entries at about the same time; an interval that differs
    // by replica keeps them from all writing a snapshot of the whole key space at once on a shared disk.
    private ulong SnapshotInterval => _options.SnapshotEveryEntries + _options.SnapshotEveryEntries * (_options.ReplicaId % 4) / 8;

    // The byte trigger is staggered too (it usually comes first), but downwards: SnapshotEveryBytes
    // bounds the log a replica holds in memory.
    private long SnapshotBytes => _options.SnapshotEveryBytes - _options.SnapshotEveryBytes * (long)(_options.ReplicaId % 4) / 8;

    private void SaveSnapshot(SnapshotMetadata metadata, SnapshotSource data)
    {
        var index = metadata.Index;
        // Meanwhile the log may have been replaced by a newer snapshot from the leader: then this one is moot.
        if (index <= _store.SnapshotMetadata.Index || !_node.TryGetTerm(index, out var term) || term != metadata.Term
            || index > _store.LastIndex)
        {
            _snapshotInFlight = false;
            return;
        }
        var compactTo = index > _options.EntriesKeptAfterSnapshot ? index - _options.EntriesKeptAfterSnapshot : 0;
        _store.SaveSnapshot(metadata, data, compactTo, () => _host.Post(() => _snapshotInFlight = false));
    }
}
