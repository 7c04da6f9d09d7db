using Microsoft.Extensions.DependencyInjection;
using OrleansKv.Grains.Placement;

namespace OrleansKv.Grains;

/// <summary>Registers the Raft peer grains, their placement and their lifecycle on a silo.</summary>
public static class GrainsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the replica placement director, the peers' silo lifecycle, and the layout. The host
    /// also registers the Orleans grain storage provider that <see cref="RaftPeerGrainOptions.GrainStorageName"/>
    /// names, and configures <see cref="RaftPeerGrainOptions"/> and <see cref="ReplicaPlacementOptions"/>.
    /// </summary>
    public static ISiloBuilder AddRaftPeers(this ISiloBuilder silo, ClusterLayout layout)
    {
        silo.Services.AddSingleton(layout);
        silo.Services.AddSingleton<LocalPeers>();
        silo.Services.AddSingleton<RaftTrafficGate>();
        silo.Services.AddSingleton<ActiveReplicas>();
        silo.Services.AddSingleton(TimeProvider.System);
        silo.Services.AddPlacementDirector<ReplicaPlacement, ReplicaPlacementDirector>();
        silo.Services.AddSingleton<LocalPeersLifecycle>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<LocalPeersLifecycle>());
        silo.Services.AddOptions<RaftPeerGrainOptions>();
        silo.Services.AddOptions<ReplicaPlacementOptions>();
        return silo;
    }
}
