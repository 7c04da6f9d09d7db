using OrleansKv.Raft;

namespace OrleansKv.Storage.RaftState;

/// <summary>
/// The replica's anchor state: the latest durable snapshot (its position, membership, size, and
/// the generation and count of the chunks that hold it), the first log chunk recovery must read,
/// and the hard state as of this write.
/// </summary>
/// <remarks>
/// Each snapshot is written under a new generation, so writing one never touches the chunks of the
/// snapshot this anchor names: a crash halfway leaves garbage, never a damaged snapshot.
/// </remarks>
public sealed record RaftMeta(SnapshotMetadata Snapshot, long SnapshotBytes, ulong SnapshotGeneration, int SnapshotChunks, ulong FirstChunk, HardState HardState)
{
    /// <summary>A replica that never wrote: no snapshot, log chunks from 1.</summary>
    public static readonly RaftMeta Initial = new(SnapshotMetadata.Empty, 0, 0, 0, 1, HardState.Empty);
}
