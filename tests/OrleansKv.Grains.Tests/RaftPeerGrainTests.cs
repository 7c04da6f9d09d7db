using Microsoft.Extensions.DependencyInjection;
using System.Text;
using OrleansKv.Client;
using OrleansKv.Grains.Placement;

namespace OrleansKv.Grains.Tests;

/// <summary>The Raft peer grains on three in-process Orleans silos (Microsoft.Orleans.TestingHost).</summary>
public sealed class RaftPeerGrainTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Every_replica_is_active_on_the_silo_it_is_named_after_and_nowhere_else()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        foreach (var group in cluster.Layout.Groups)
        {
            foreach (var replica in group.Replicas)
            {
                var status = await cluster.Peer(group.Id, replica).GetStatus();
                Assert.Equal(ReplicaCluster.SiloOf(replica), status.Silo);
                Assert.Equal(replica, status.Replica);
            }
        }
        // Each silo's own start-up activated exactly the replicas the layout places on it.
        foreach (var silo in cluster.Cluster.Silos)
        {
            var peers = cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<LocalPeers>();
            Assert.Equal(cluster.Layout.Groups.Select(g => g.Id).Order(), peers.Groups.Order());
        }
    }

    [Fact]
    public async Task A_group_elects_one_leader_and_a_write_reaches_every_replica()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var leader = await cluster.LeaderOfAsync(1);
        Assert.Contains(leader, ReplicaCluster.Replicas);
        Assert.True((await cluster.Peer(1, leader).GetStatus()).IsLeader);

        var key = ReplicaCluster.KeyOfGroup(cluster, 1, "replicated");
        var version = await cluster.Client.PutAsync(Utf8(key), Utf8("everywhere"));

        // Every replica applies it: a stale read at each one returns the value and its version.
        foreach (var replica in ReplicaCluster.Replicas)
        {
            await Eventually.WaitAsync(async () => (await cluster.Peer(1, replica).GetStatus()).AppliedIndex >= version,
                TimeSpan.FromSeconds(10), $"{replica} to apply entry {version}");
            var answer = await cluster.Peer(1, replica).Execute(new Contracts.KvRequest
            {
                Group = 1,
                Operation = Contracts.KvOperation.Get,
                Key = Google.Protobuf.ByteString.CopyFromUtf8(key),
                Consistency = Contracts.ReadConsistency.Stale,
            });
            Assert.Equal(Contracts.KvStatus.Ok, answer.Status);
            Assert.Equal("everywhere", answer.Value.ToStringUtf8());
            Assert.Equal(version, answer.Version);
        }
    }

    [Fact]
    public async Task Killing_and_restarting_the_leaders_silo_keeps_every_acknowledged_write()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var leader = await cluster.LeaderOfAsync(1);
        var keys = Enumerable.Range(0, 20).Select(i => ReplicaCluster.KeyOfGroup(cluster, 1, $"durable-{i}")).ToList();
        var versions = new Dictionary<string, ulong>();
        foreach (var key in keys.Take(10)) versions[key] = await cluster.Client.PutAsync(Utf8(key), Utf8("before-" + key));

        await cluster.KillSiloOfAsync(leader);
        var survivors = ReplicaCluster.Replicas.Where(r => r != leader).ToList();
        var newLeader = await cluster.LeaderOfAsync(1, survivors);
        Assert.NotEqual(leader, newLeader);
        foreach (var key in keys.Skip(10)) versions[key] = await cluster.Client.PutAsync(Utf8(key), Utf8("during-" + key));

        await cluster.RestartSiloOfAsync(leader);
        // The restarted silo activates its replicas by itself and they catch up.
        var last = versions.Values.Max();
        await Eventually.WaitAsync(async () => (await cluster.Peer(1, leader).GetStatus()).AppliedIndex >= last,
            TimeSpan.FromSeconds(30), $"the restarted {leader} to catch up to entry {last}");

        foreach (var (key, version) in versions)
        {
            var entry = await cluster.Client.GetAsync(Utf8(key));
            Assert.NotNull(entry);
            Assert.Equal(version, entry.Version);
            Assert.EndsWith(key, Encoding.UTF8.GetString(entry.Value.Span));
        }
    }

    [Fact]
    public async Task A_call_to_a_replica_whose_silo_is_down_fails_instead_of_waiting()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        await cluster.LeaderOfAsync(1);
        await cluster.KillSiloOfAsync("silo3");

        // Before and after the silo is declared dead, the call fails (no activation elsewhere,
        // no wait for Orleans's 30 s response timeout).
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var call = cluster.Peer(1, "silo3").GetStatus();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.True(error is OrleansException, $"expected an Orleans error, got {error.GetType().Name}: {error.Message}");
        }
        // The other replicas still serve the group.
        Assert.True(await cluster.Client.PutAsync(Utf8(ReplicaCluster.KeyOfGroup(cluster, 1, "still-served")), Utf8("yes")) > 0);
    }

    [Fact]
    public void Peer_grains_are_placed_by_name_without_the_grain_directory()
    {
        // Orleans's default (DHT) directory deactivates the activations registered in the partition
        // of a silo that stops or dies: a successor lost its leadership that way right after a
        // SIGTERM hand-off (GracefulStopTests). This cluster cannot show it, as TestingHost
        // replaces that directory with its own, so the setting itself is checked here.
        Assert.False(new ReplicaPlacementAttribute().PlacementStrategy.IsUsingGrainDirectory);
    }
}
