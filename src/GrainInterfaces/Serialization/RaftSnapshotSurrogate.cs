using OrleansKv.Raft;

namespace OrleansKv.Grains.Serialization;

/// <summary>How a Raft <see cref="Snapshot"/> (InstallSnapshot's payload) travels in a grain call; the membership in its own encoding.</summary>
[GenerateSerializer]
public struct RaftSnapshotSurrogate
{
    [Id(0)] public ulong Index;
    [Id(1)] public ulong Term;
    [Id(2)] public byte[] Membership;
    [Id(3)] public byte[] Data;
}

/// <summary>Converts a Raft <see cref="Snapshot"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class RaftSnapshotConverter : IConverter<Snapshot, RaftSnapshotSurrogate>
{
    public Snapshot ConvertFromSurrogate(in RaftSnapshotSurrogate surrogate) =>
        new(new SnapshotMetadata(surrogate.Index, surrogate.Term, Membership.Decode(surrogate.Membership)), surrogate.Data ?? []);

    public RaftSnapshotSurrogate ConvertToSurrogate(in Snapshot value) => new()
    {
        Index = value.Metadata.Index,
        Term = value.Metadata.Term,
        Membership = value.Metadata.Membership.Encode(),
        Data = value.Data,
    };
}
