using System.Diagnostics;
using Azure.Storage.Blobs;
using OrleansKv.Client;
using OrleansKv.Linearizability;
using Xunit.Abstractions;

namespace OrleansKv.Integration;

/// <summary>
/// The cluster as it runs in Azure, on Azurite: Azure Table clustering (the silos register in and
/// watch each other through the storage table, and the client library finds the gateways there)
/// and Azure Blob grain storage for every replica's term, vote, log and snapshots.
/// </summary>
public sealed class AzureTableClusteringTests(ITestOutputHelper output)
{
    private const int Workers = 4;

    [Fact]
    public async Task Killing_the_leader_with_Azure_Table_clustering_and_Blob_storage_on_Azurite_loses_no_acknowledged_write()
    {
        await using var azurite = await Azurite.StartAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"Azurite {AzuriteInstaller.Version} (pid {azurite.ProcessId}) at {azurite.TableEndpoint}");
        await using var cluster = await StartOnAzuriteAsync(azurite);
        var membership = new AzureMembershipTable(azurite.ConnectionString, cluster.ClusterId);

        // Each silo registered itself in Azurite's table, with the ports it was started on.
        var rows = await membership.ReadSilosAsync();
        foreach (var silo in cluster.Silos)
        {
            var row = Assert.Single(rows, r => r.SiloName == silo.Name && r.IsActive);
            Assert.Equal(silo.SiloPort, row.SiloPort);
            Assert.Equal(silo.GatewayPort, row.GatewayPort);
        }

        var keys = Keys.SpreadOverGroups("mixed", groups: 2, perGroup: 4);
        var appendKeys = Keys.SpreadOverGroups("log", groups: 2, perGroup: 2);
        var history = new HistoryRecorder();
        var clients = new List<KvClient>();
        for (var i = 0; i < Workers; i++) clients.Add(await cluster.ConnectAsync(TimeSpan.FromSeconds(10)));
        var workers = clients.Select((c, i) => new LoadWorker(i + 1, c, history, keys, appendKeys)).ToList();

        using var stop = new CancellationTokenSource();
        var running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToList();
        try
        {
            await LoadChecks.WaitForProgressAsync(workers, 100, "load before the kill");
            var leader = await cluster.LeaderOfAsync(clients[0], group: 1, TimeSpan.FromSeconds(30));
            var killed = (await membership.ReadSilosAsync()).Single(r => r.SiloName == leader.Name && r.IsActive);

            leader.Kill();
            var sinceKill = Stopwatch.StartNew();
            var declaredDead = WaitUntilDeadAsync(membership, killed, sinceKill);
            await LoadChecks.WaitForProgressAsync(workers, 50, $"load to resume after killing {leader.Name}");
            output.WriteLine($"killed {leader.Name} (leader of group 1); load resumed {sinceKill.Elapsed.TotalSeconds:0.00} s later");
            // The verdict is waited for before the restart, which would otherwise supersede the old row itself.
            var deadAfter = await declaredDead;
            output.WriteLine($"{leader.Name} generation {killed.Generation} was declared Dead in the Azure table {deadAfter.TotalSeconds:0.00} s after the kill");

            cluster.Start(leader);
            await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60));
            // The restarted process joined as a new generation; the killed one stays Dead.
            var rejoined = await Eventually.WaitAsync(async () =>
                (await membership.ReadSilosAsync()).FirstOrDefault(r => r.SiloName == leader.Name && r.IsActive && r.Generation > killed.Generation),
                TimeSpan.FromSeconds(30), $"a new Active row for {leader.Name}");
            output.WriteLine($"{leader.Name} rejoined as generation {rejoined.Generation}");
            Assert.True((await membership.ReadSilosAsync()).Single(r => r.RowKey == killed.RowKey).IsDead);

            await LoadChecks.WaitForProgressAsync(workers, 50, "load after the restart");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }

        await using var reader = await cluster.ConnectAsync();
        await LoadChecks.AssertEveryAcknowledgedAppendAppearsOnceAsync(reader, appendKeys, workers);
        LoadChecks.AssertLinearizable(history, minimumOperations: 200);
        output.WriteLine($"{history.GetHistory().Count} operations, {workers.Sum(w => w.Acknowledged)} acknowledged, linearizable");
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task A_full_cluster_kill_and_restart_on_Azure_Blob_storage_keeps_every_acknowledged_write()
    {
        await using var azurite = await Azurite.StartAsync(TimeSpan.FromSeconds(90));
        await using var cluster = await StartOnAzuriteAsync(azurite);
        await FullRestartCheck.KeepsEveryAcknowledgedWriteAsync(cluster);

        // What survived the restart is in Azurite: every replica's anchor and log chunks are blobs.
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("orleanskv-grainstate");
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        output.WriteLine($"{names.Count} blobs, for example {string.Join(", ", names.Take(3))}");
        // Six replicas (two groups of three) wrote at least one log chunk each.
        Assert.True(names.Count(n => n.Contains("raft-log-")) >= 6, $"expected log chunks of six replicas, found: {string.Join(", ", names)}");
    }

    private static Task<TestCluster> StartOnAzuriteAsync(Azurite azurite) =>
        TestCluster.StartAsync(azureTableConnectionString: azurite.ConnectionString,
            extraArguments: ["--storage", "azureblob", "--azure-blob", azurite.ConnectionString]);

    // Polls the killed generation's row until the survivors have voted it Dead; returns how long that took.
    private static async Task<TimeSpan> WaitUntilDeadAsync(AzureMembershipTable membership, MembershipRow killed, Stopwatch sinceKill)
    {
        await Eventually.WaitAsync(async () => (await membership.ReadSilosAsync()).Any(r => r.RowKey == killed.RowKey && r.IsDead),
            TimeSpan.FromSeconds(60), $"{killed.SiloName} generation {killed.Generation} to be declared Dead in the Azure table");
        return sinceKill.Elapsed;
    }
}
