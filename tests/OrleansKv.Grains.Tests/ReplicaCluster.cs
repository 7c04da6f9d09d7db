using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansKv.Client;
using OrleansKv.Grains.Placement;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Grains.Tests;

/// <summary>
/// Three in-process Orleans silos (TestingHost names them Silo_0..Silo_2) hosting two Raft
/// groups, with replicas named silo1..silo3 mapped onto them, the <c>file</c> grain storage
/// provider per silo under a temp folder (so a silo restarted under the same name recovers its replicas), and a KvClient on the
/// test cluster's client.
/// </summary>
internal sealed class ReplicaCluster : IAsyncDisposable
{
    public static readonly string[] Replicas = ["silo1", "silo2", "silo3"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "orleanskv-grains-" + Guid.NewGuid().ToString("N")[..8]);

    private ReplicaCluster()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((silo, siloBuilder) => Configure(silo.SiloName, siloBuilder));
        Cluster = builder.Build();
    }

    public InProcessTestCluster Cluster { get; }

    public KvClient Client { get; private set; } = null!;

    public ClusterLayout Layout { get; } = new(Replicas, groups: 2, replicationFactor: 3);

    /// <summary>TestingHost's name for the silo that hosts <paramref name="replica"/>.</summary>
    public static string SiloOf(string replica) => $"Silo_{Array.IndexOf(Replicas, replica)}";

    public static async Task<ReplicaCluster> StartAsync()
    {
        var cluster = new ReplicaCluster();
        await cluster.Cluster.DeployAsync();
        cluster.Client = new KvClient(cluster.Cluster.Client, new KvClientOptions { OperationTimeout = TimeSpan.FromSeconds(20) });
        return cluster;
    }

    private void Configure(string siloName, ISiloBuilder silo)
    {
        silo.AddRaftPeers(Layout);
        silo.AddFileGrainStorage("file", o => o.Directory = Path.Combine(_root, siloName));
        silo.Services.Configure<RaftPeerGrainOptions>(o => o.TickPeriod = TimeSpan.FromMilliseconds(50));
        silo.Services.Configure<ReplicaPlacementOptions>(o =>
        {
            foreach (var replica in Replicas) o.SiloByReplica[replica] = SiloOf(replica);
        });
        // As the real silos: a killed silo is declared dead in about two seconds.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
    }

    public InProcessSiloHandle SiloHosting(string replica) => Cluster.Silos.Single(s => s.Name == SiloOf(replica));

    public IRaftPeerGrain Peer(uint group, string replica) => Cluster.Client.Peer(group, replica);

    /// <summary>The group whose hash slots hold <paramref name="key"/>.</summary>
    public uint GroupOf(string key)
    {
        var slot = Contracts.HashSlot.Of(key);
        return Layout.Groups.Single(g => slot >= g.SlotStart && slot < g.SlotEnd).Id;
    }

    /// <summary>A key whose hash slot belongs to <paramref name="group"/>: <paramref name="prefix"/> and a number.</summary>
    public static string KeyOfGroup(ReplicaCluster cluster, uint group, string prefix)
    {
        for (var i = 0; ; i++)
        {
            var key = $"{prefix}-{i}";
            if (cluster.GroupOf(key) == group) return key;
        }
    }

    /// <summary>The replica every running replica of <paramref name="group"/> agrees leads it.</summary>
    public async Task<string> LeaderOfAsync(uint group, IEnumerable<string>? among = null)
    {
        var replicas = (among ?? Replicas).ToList();
        return await Eventually.WaitAsync(async () =>
        {
            var leaders = new HashSet<string>();
            foreach (var replica in replicas) leaders.Add((await Peer(group, replica).GetStatus()).Leader);
            return leaders.Count == 1 && leaders.Single() is { Length: > 0 } leader ? leader : null;
        }, TimeSpan.FromSeconds(30), $"the replicas of group {group} to agree on a leader");
    }

    /// <summary>Kills the silo hosting <paramref name="replica"/> as a crash would (no graceful stop).</summary>
    public Task KillSiloOfAsync(string replica) => Cluster.KillSiloAsync(SiloHosting(replica));

    /// <summary>Starts the silo that hosts <paramref name="replica"/> again, under the same name (and so the same storage folder).</summary>
    public Task RestartSiloOfAsync(string replica) => Cluster.StartSiloAsync(Array.IndexOf(Replicas, replica), Cluster.Options);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
