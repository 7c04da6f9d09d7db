using OrleansKv.Raft;

namespace OrleansKv.Storage.RaftState;

/// <summary>The argument checks of SaveSnapshot, made before anything changes.</summary>
internal static class SnapshotRules
{
    public static void Validate(SnapshotMetadata snapshot, ulong compactTo, MemoryRaftLog log)
    {
        if (snapshot.Index == 0) throw new ArgumentException("cannot save an empty snapshot", nameof(snapshot));
        if (compactTo > snapshot.Index)
            throw new ArgumentOutOfRangeException(nameof(compactTo), $"compactTo {compactTo} is beyond the snapshot index {snapshot.Index}");
        if (compactTo > log.LastIndex)
            throw new ArgumentOutOfRangeException(nameof(compactTo), $"compactTo {compactTo} is beyond the last index {log.LastIndex}");
        if (!log.Snapshot.IsEmpty && snapshot.Index < log.Snapshot.Metadata.Index)
            throw new InvalidOperationException($"snapshot at {snapshot.Index} is older than the one held at {log.Snapshot.Metadata.Index}");
    }
}
