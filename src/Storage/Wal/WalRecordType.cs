namespace OrleansKv.Storage.Wal;

/// <summary>The kinds of write-ahead log record. Values are on disk: never renumber.</summary>
internal enum WalRecordType : byte
{
    /// <summary>Consecutive log entries of one group (may replace a conflicting suffix).</summary>
    Entries = 1,

    /// <summary>A group's term, vote and commit.</summary>
    HardState = 2,

    /// <summary>A group's snapshot is durable in a named file; optionally it replaces the whole log.</summary>
    SnapshotMarker = 3,

    /// <summary>A group's entries up to an index (with its term) are no longer needed.</summary>
    Compaction = 4,
}
