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

    /// <summary>
    /// False: a replica's silo follows from its name, so there is nothing for Orleans's grain
    /// directory to look up, and registering there would make the replica hostage to it. The
    /// default directory deactivates every activation whose registration lived in the partition
    /// of a silo that shuts down or dies; a successor that had just taken over leadership from a
    /// stopping silo lost it that way, and a group whose surviving replicas were both deactivated
    /// had no leader until a client request happened to activate one. Each silo's catalog still
    /// holds at most one activation per grain id, and only this strategy's director places them.
    /// </summary>
    public override bool IsUsingGrainDirectory => false;
}
