using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansKv.Grains.Placement;

namespace OrleansKv.Grains;

/// <summary>
/// Answers <see cref="IClusterViewGrain"/> from this silo: the layout every silo shares, the
/// membership's view of which silos are active, and the leaders its own replicas know of.
/// </summary>
[StatelessWorker]
internal sealed class ClusterViewGrain(
    ClusterLayout layout,
    LocalPeers localPeers,
    IClusterMembershipService membership,
    IOptions<ReplicaPlacementOptions> placement,
    IOptions<Orleans.Configuration.ClusterOptions> cluster) : Grain, IClusterViewGrain
{
    public Task<ClusterView> GetView()
    {
        var members = membership.CurrentSnapshot.Members.Values;
        var silos = new List<SiloView>(layout.Silos.Count);
        foreach (var replica in layout.Silos)
        {
            var siloName = placement.Value.SiloOf(replica);
            var active = members.FirstOrDefault(m => m.Name == siloName && m.Status == SiloStatus.Active);
            silos.Add(new SiloView(replica, active is not null, active?.SiloAddress.Endpoint.ToString() ?? ""));
        }
        var groups = new List<GroupView>(layout.Groups.Count);
        foreach (var group in layout.Groups)
        {
            var known = localPeers.LeadershipOf(group.Id);
            var leader = known is { Leader: not 0 } ? layout.NameOf(known.Leader) ?? "" : "";
            groups.Add(new GroupView(group.Id, group.Replicas, leader, group.SlotStart, group.SlotEnd, known?.Term ?? 0));
        }
        return Task.FromResult(new ClusterView(cluster.Value.ClusterId, silos, groups));
    }
}
