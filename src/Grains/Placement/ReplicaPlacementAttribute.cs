using Orleans.Placement;

namespace OrleansKv.Grains.Placement;

/// <summary>Marks a grain class whose activations <see cref="ReplicaPlacementDirector"/> pins to the silo named in its key.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ReplicaPlacementAttribute() : PlacementAttribute(ReplicaPlacement.Singleton);
