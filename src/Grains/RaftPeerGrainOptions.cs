namespace OrleansKv.Grains;

/// <summary>How the silo tunes its Raft peer grains (bound from the silo's settings).</summary>
public sealed class RaftPeerGrainOptions
{
    /// <summary>Period of the grain timer that ticks every peer.</summary>
    public TimeSpan TickPeriod { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Ticks without a heartbeat before a follower campaigns (randomised up to twice this).</summary>
    public int ElectionTicks { get; set; } = 10;

    /// <summary>How long a client request may wait inside a peer before it is answered TIMEOUT or UNAVAILABLE.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Entries between snapshots of a group's state machine.</summary>
    public ulong SnapshotEveryEntries { get; set; } = 100_000;

    /// <summary>Entry bytes between snapshots of a group's state machine (whichever comes first): bounds the log each replica holds in memory.</summary>
    public long SnapshotEveryBytes { get; set; } = 16L << 20;

    /// <summary>Key limit the leader checks and stamps on each write; replicas apply the stamped value.</summary>
    public int MaxKeyBytes { get; set; } = 1024;

    /// <summary>Value limit the leader checks and stamps on each write; replicas apply the stamped value.</summary>
    public int MaxValueBytes { get; set; } = 1 << 20;

    /// <summary>
    /// The Orleans grain storage provider (<c>IGrainStorage</c>, by its registered name) that keeps
    /// each replica's term, vote, log and snapshots.
    /// </summary>
    public string GrainStorageName { get; set; } = "file";
}
