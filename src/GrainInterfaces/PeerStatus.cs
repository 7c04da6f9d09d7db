namespace OrleansKv.Grains;

/// <summary>A replica's view of its group, as <see cref="IRaftPeerGrain.GetStatus"/> reports it.</summary>
/// <param name="Leader">The name of the replica this one believes leads, empty if none is known.</param>
/// <param name="IsLeader">True if this replica leads.</param>
/// <param name="Silo">The name of the silo the replica's grain is active on.</param>
[GenerateSerializer, Immutable]
public sealed record PeerStatus(
    [property: Id(0)] uint Group,
    [property: Id(1)] string Replica,
    [property: Id(2)] string Leader,
    [property: Id(3)] bool IsLeader,
    [property: Id(4)] ulong Term,
    [property: Id(5)] ulong AppliedIndex,
    [property: Id(6)] string Silo);
