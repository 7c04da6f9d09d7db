using OrleansKv.Raft;

namespace OrleansKv.Storage.Wal;

/// <summary>
/// What the log says about one group so far, as the writer sees it: enough to re-log a checkpoint
/// at the start of each new segment and to tell when the group no longer needs an old segment.
/// </summary>
internal sealed class GroupDurableState
{
    public HardState HardState { get; set; }
    public SnapshotRef? Snapshot { get; set; }
    public ulong BaseIndex { get; set; }
    public ulong BaseTerm { get; set; }
}
