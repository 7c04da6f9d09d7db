using OrleansKv.Api;
using OrleansKv.Client;
using OrleansKv.Grains;
using OrleansKv.Silo.Configuration;

namespace OrleansKv.Silo.Hosting;

/// <summary>
/// The HTTP gateway co-hosted in the silo: the KV API over a <see cref="KvClient"/> on the silo's
/// own grain factory, so a request for a replica led here never leaves the process.
/// </summary>
internal static class GatewaySetup
{
    public static void AddGateway(IServiceCollection services, SiloSettings settings, Func<bool> isReady)
    {
        services.AddSingleton<IKvClient>(sp =>
        {
            var gate = sp.GetRequiredService<RaftTrafficGate>();
            return new KvClient(sp.GetRequiredService<IGrainFactory>(), new KvClientOptions
            {
                // Cut off by a test fault, the gateway reaches only its own silo's replicas.
                CanReach = settings.EnableTestFaults ? replica => !gate.IsIsolated || replica == settings.Name : null,
            });
        });
        services.AddKvApi(new KvApiOptions
        {
            MaxKeyBytes = settings.MaxKeyBytes,
            MaxValueBytes = settings.MaxValueBytes,
            ApiKey = settings.ApiKey,
            Readiness = _ => Task.FromResult(isReady()),
        });
    }

    /// <summary>Ready when every group with a replica here has one active that knows a leader.</summary>
    public static bool IsReady(IServiceProvider services, SiloSettings settings)
    {
        var layout = services.GetRequiredService<ClusterLayout>();
        var peers = services.GetRequiredService<LocalPeers>();
        return layout.GroupsOn(settings.Name).All(g => peers.KnownLeaderOf(g.Id) != 0);
    }
}
