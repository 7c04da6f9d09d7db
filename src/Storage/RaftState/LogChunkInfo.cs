namespace OrleansKv.Storage.RaftState;

/// <summary>
/// What a replica's store remembers of one of its <c>raft-log-{n}</c> chunks: its number, the last
/// entry index the log had once it was written (so a compaction knows which chunks it frees), and
/// its ETag once written (so clearing it needs no read first).
/// </summary>
internal sealed class LogChunkInfo(ulong sequence, ulong lastIndex)
{
    public ulong Sequence { get; } = sequence;
    public ulong LastIndex { get; } = lastIndex;

    // Set when the write completes, off the grain's turns; read by the background clearing.
    public volatile string? ETag;
}
