using Microsoft.Extensions.Options;
using OrleansKv.Grains.Placement;

namespace OrleansKv.Grains;

/// <summary>
/// Which replicas' silos the cluster membership lists as active right now. A peer sends nothing to
/// a replica whose silo is not active: the message would be lost anyway, after a placement attempt
/// (and its retries and log lines) on every heartbeat.
/// </summary>
public sealed class ActiveReplicas(IClusterMembershipService membership, IOptions<ReplicaPlacementOptions> placement)
{
    private sealed record Cache(MembershipVersion Version, HashSet<string> ActiveSilos);

    private Cache _cache = new(MembershipVersion.MinValue, []);

    /// <summary>True if the silo hosting <paramref name="replica"/> is active in the latest membership snapshot.</summary>
    public bool IsActive(string replica) => ActiveSilos().Contains(placement.Value.SiloOf(replica));

    private HashSet<string> ActiveSilos()
    {
        var snapshot = membership.CurrentSnapshot;
        var cache = Volatile.Read(ref _cache);
        if (snapshot.Version == cache.Version) return cache.ActiveSilos;
        var active = new HashSet<string>();
        foreach (var member in snapshot.Members.Values)
            if (member.Status == SiloStatus.Active) active.Add(member.Name);
        // Racing threads may both rebuild; each result is right for its snapshot.
        Volatile.Write(ref _cache, new Cache(snapshot.Version, active));
        return active;
    }
}
