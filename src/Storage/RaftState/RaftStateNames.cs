namespace OrleansKv.Storage.RaftState;

/// <summary>
/// The grain-state names under which a replica keeps its Raft state in an Orleans
/// <c>IGrainStorage</c> provider, all under the peer grain's id.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>raft-meta</c>: the latest durable snapshot's position and chunk count, the first log
/// chunk still needed, and the hard state as of that write.</item>
/// <item><c>raft-log-{seq}</c>: one chunk per durable write, numbered densely from 1: the entries
/// the write appended (replacing any stored entries from the first one's index on) and the hard
/// state after it. Written create-only, so a second activation of the replica that writes the same
/// number fails on the ETag instead of forking the log.</item>
/// <item><c>raft-snap-{generation}-{n}</c>: a snapshot, cut into chunks of at most
/// <see cref="SnapshotChunkBytes"/> so no provider call carries a whole large snapshot.</item>
/// </list>
/// </remarks>
public static class RaftStateNames
{
    /// <summary>
    /// Largest snapshot chunk: 64 KiB. Below .NET's large-object threshold (85,000 bytes), so the
    /// chunks of a snapshot taken every few seconds under load are ordinary short-lived objects.
    /// </summary>
    public const int SnapshotChunkBytes = 64 * 1024;

    public const string Meta = "raft-meta";

    public static string LogChunk(ulong sequence) => $"raft-log-{sequence}";

    public static string SnapshotChunk(ulong generation, int chunk) => $"raft-snap-{generation}-{chunk}";
}
