namespace OrleansKv.Grains.Placement;

/// <summary>
/// Which silo hosts which replica. By default a replica is hosted by the silo of the same name
/// (<c>silo1</c> hosts replica <c>silo1</c> of every group). A host whose silos cannot choose
/// their names (Orleans's TestingHost calls them <c>Silo_0</c>, <c>Silo_1</c>, ...) maps them here.
/// </summary>
public sealed class ReplicaPlacementOptions
{
    /// <summary>Silo name by replica name, for replicas not hosted by the silo of their own name.</summary>
    public Dictionary<string, string> SiloByReplica { get; set; } = [];

    /// <summary>The name of the silo that hosts <paramref name="replica"/>.</summary>
    public string SiloOf(string replica) => SiloByReplica.GetValueOrDefault(replica, replica);

    /// <summary>The replica hosted by the silo named <paramref name="silo"/> (its own name unless mapped).</summary>
    public string ReplicaOn(string silo)
    {
        foreach (var (replica, host) in SiloByReplica) if (host == silo) return replica;
        return silo;
    }
}
