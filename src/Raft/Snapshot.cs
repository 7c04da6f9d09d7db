namespace OrleansKv.Raft;

/// <summary>Where a snapshot sits in the log and which membership was in effect there.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, Membership Membership)
{
    public static readonly SnapshotMetadata Empty = new(0, 0, Membership.Empty);
}

/// <summary>The state machine's image after applying every entry up to <see cref="SnapshotMetadata.Index"/>.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, byte[] Data)
{
    public static readonly Snapshot Empty = new(SnapshotMetadata.Empty, []);

    public bool IsEmpty => Metadata.Index == 0;
}
