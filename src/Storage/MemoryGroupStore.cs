using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Storage;

/// <summary>One group's store in the <c>memory</c> provider.</summary>
internal sealed class MemoryGroupStore(uint groupId) : IRaftGroupStore
{
    private readonly GroupLog _log = new();

    public uint GroupId { get; } = groupId;
    public HardState HardState => _log.HardState;
    public ulong FirstIndex => _log.FirstIndex;
    public ulong LastIndex => _log.LastIndex;
    public Snapshot Snapshot => _log.Snapshot;
    public bool TryGetTerm(ulong index, out ulong term) => _log.TryGetTerm(index, out term);
    public void GetEntries(ulong lo, ulong hi, long maxBytes, List<Entry> into) => _log.GetEntries(lo, hi, maxBytes, into);

    public void Persist(RaftWrite write, Action onDurable)
    {
        GroupLog.ValidateConsecutive(write.Entries);
        if (write.Snapshot is { } snapshot) _log.InstallSnapshot(snapshot);
        _log.Append(write.Entries);
        if (write.HardState is { } hardState) _log.SetHardState(hardState);
        onDurable();
    }

    public void SaveSnapshot(Snapshot snapshot, ulong compactTo, Action onDurable)
    {
        SnapshotRules.Validate(snapshot, compactTo, _log);
        _log.RecordSnapshot(snapshot);
        _log.CompactTo(compactTo);
        onDurable();
    }
}
