namespace OrleansKv.Grains.Placement;

/// <summary>
/// Places a Raft peer grain on the silo its replica is named after, and nowhere else. Orleans's
/// built-in strategies cannot do that: they choose among compatible silos, while a replica's
/// durable state lives on exactly one silo's disk.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class ReplicaPlacement : PlacementStrategy
{
    internal static ReplicaPlacement Singleton { get; } = new();
}
