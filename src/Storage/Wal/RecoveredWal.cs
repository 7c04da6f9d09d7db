namespace OrleansKv.Storage.Wal;

/// <summary>Everything recovery rebuilt from the data folder.</summary>
internal sealed class RecoveredWal
{
    /// <summary>Each group's in-memory view, ready to serve reads.</summary>
    public Dictionary<uint, GroupLog> Groups { get; } = [];

    /// <summary>Each group's durable state, for the writer's checkpoints and segment deletion.</summary>
    public Dictionary<uint, GroupDurableState> Durable { get; } = [];

    /// <summary>Surviving segments, oldest first.</summary>
    public List<SegmentInfo> Segments { get; } = [];

    public ulong LastSequence { get; set; }

    /// <summary>Repairs made (torn tails truncated, stray files removed).</summary>
    public List<string> Warnings { get; } = [];
}
