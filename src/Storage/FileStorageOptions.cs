namespace OrleansKv.Storage;

/// <summary>Settings of the <c>file</c> storage provider.</summary>
public sealed record FileStorageOptions
{
    /// <summary>The silo's data folder: write-ahead log segments and snapshot files. Created if missing.</summary>
    public required string Directory { get; init; }

    /// <summary>A segment is closed and a new one started once it grows past this size.</summary>
    public long SegmentBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Bytes waiting for the writer beyond which the groups' stores report back-pressure
    /// (IRaftGroupStore.IsBackedUp): Persist still never blocks, but leaders refuse new client writes.
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Entry bytes each group keeps in memory. Past it, the oldest entries' bytes are dropped (down
    /// to half of it) and read back from the log segments when needed: by a follower far behind.
    /// </summary>
    public long MaxCachedEntryBytes { get; init; } = 4L << 20;
}
