using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace OrleansKv.Grains.Placement;

/// <summary>
/// Activates a replica's peer grain on the active silo named for it. If that silo is not active
/// (down, not yet joined, or declared dead), placement fails at once with
/// <see cref="SiloUnavailableException"/>: the call fails fast, and Raft counts it as a lost message.
/// </summary>
/// <remarks>
/// Silos are matched by name, not by address: a restarted silo comes back with a new generation
/// in its address, and its replicas must follow it there.
/// </remarks>
internal sealed class ReplicaPlacementDirector(IClusterMembershipService membership, IOptions<ReplicaPlacementOptions> options) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        if (!PeerKey.TryParse(target.GrainIdentity, out var group, out var replica))
            throw new ArgumentException($"{target.GrainIdentity} is not a replica's grain id (group + replica name)");
        var silo = options.Value.SiloOf(replica);
        var compatible = context.GetCompatibleSilos(target);
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Name == silo && member.Status == SiloStatus.Active && Array.IndexOf(compatible, member.SiloAddress) >= 0)
                return Task.FromResult(member.SiloAddress);
        }
        throw new SiloUnavailableException($"replica {replica} of group {group} lives on silo {silo}, which is not active");
    }
}
