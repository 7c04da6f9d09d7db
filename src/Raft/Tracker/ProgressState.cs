namespace OrleansKv.Raft.Tracker;

/// <summary>How the leader is currently sending to one follower.</summary>
public enum ProgressState
{
    /// <summary>Where the logs match is unknown: send one AppendEntries per round trip (or heartbeat) and back off on rejection.</summary>
    Probe,

    /// <summary>Logs match up to Match: stream AppendEntries optimistically, bounded by the inflight window.</summary>
    Replicate,

    /// <summary>The follower needs entries already compacted: a snapshot is on its way; send nothing else.</summary>
    Snapshot,
}
