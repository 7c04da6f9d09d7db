using System.Net;
using Orleans.Configuration;
using OrleansKv.Clustering;
using OrleansKv.Grains;
using OrleansKv.Silo.Configuration;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Silo.Hosting;

/// <summary>Turns a silo's settings into its Orleans configuration: identity, endpoints, clustering, failure detection, storage and the Raft peers.</summary>
internal static class SiloBuilderSetup
{
    public static void Configure(ISiloBuilder silo, SiloSettings settings)
    {
        silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
        silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        silo.ConfigureEndpoints(IPAddress.Parse(settings.Address), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyAddress);
        UseClustering(silo, settings);
        TuneFailureDetection(silo);
        // Orleans sizes its grain-location cache for a million grains up front (~9 MiB per silo).
        // A silo here talks to a few peer grains per group; 10,000 entries is still generous.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 10_000);

        UseStorage(silo, settings);
        silo.AddRaftPeers(new ClusterLayout(settings.Silos, settings.Groups, settings.ReplicationFactor));
        silo.Services.Configure<RaftPeerGrainOptions>(o =>
        {
            o.TickPeriod = TimeSpan.FromMilliseconds(settings.TickMilliseconds);
            o.ElectionTicks = settings.ElectionTicks;
            o.RequestTimeout = TimeSpan.FromMilliseconds(settings.RequestTimeoutMilliseconds);
            o.SnapshotEveryEntries = settings.SnapshotEveryEntries;
            o.SnapshotEveryBytes = settings.SnapshotEveryBytes;
            o.MaxKeyBytes = settings.MaxKeyBytes;
            o.MaxValueBytes = settings.MaxValueBytes;
        });
    }

    private static void UseClustering(ISiloBuilder silo, SiloSettings settings)
    {
        if (settings.Clustering == "azuretable")
        {
            silo.UseAzureStorageClustering(o => o.TableServiceClient = AzureStorageClients.Table(settings));
            return;
        }
        // The embedded table: a folder every silo of the machine shares, so any silo may die.
        var directory = Path.GetFullPath(settings.ClusteringDirectory);
        silo.Services.AddFileMembershipTable(o => o.Directory = directory);
    }

    // Orleans's defaults take 7-14 s to declare a killed silo dead; on a LAN or loopback, probes
    // answer in well under a second, so two missed 1 s probes are a safe verdict (about 2 s).
    private static void TuneFailureDetection(ISiloBuilder silo) => silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
    });

    // Every replica keeps its Raft state through the Orleans grain storage provider registered
    // under the setting's name: "file" (ours, on local disk), "memory" or "azureblob" (Orleans's).
    private static void UseStorage(ISiloBuilder silo, SiloSettings settings)
    {
        switch (settings.Storage)
        {
            case "memory":
                silo.AddMemoryGrainStorage(settings.Storage);
                break;
            case "azureblob":
                silo.AddAzureBlobGrainStorage(settings.Storage, o =>
                {
                    o.ContainerName = settings.AzureBlobContainer;
                    o.BlobServiceClient = AzureStorageClients.Blob(settings);
                });
                // Each state is read whole with asynchronous I/O, never deserialized synchronously from the network.
                silo.Services.UseWholeStateSerialization<AzureBlobStorageOptions>(settings.Storage);
                break;
            default:
                silo.AddFileGrainStorage(settings.Storage, o => o.Directory = Path.GetFullPath(settings.DataDirectory));
                break;
        }
        silo.Services.Configure<RaftPeerGrainOptions>(o => o.GrainStorageName = settings.Storage);
    }
}
