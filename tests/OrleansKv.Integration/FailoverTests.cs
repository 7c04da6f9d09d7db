using OrleansKv.Linearizability;

namespace OrleansKv.Integration;

public sealed class FailoverTests
{
    private const int Rounds = 3;
    private const int Workers = 6;
    private const int HttpWorkers = 2;

    [Fact]
    public async Task Killing_the_leader_mid_load_loses_no_acknowledged_write_and_the_history_over_client_and_HTTP_is_linearizable()
    {
        // A snapshot every 16 KiB of writes: a restarted silo is usually behind the leader's log
        // and catches up from a snapshot the leader reads back from its grain storage.
        await using var cluster = await TestCluster.StartAsync(extraArguments: "--Silo:SnapshotEveryBytes=16384");
        var keys = Keys.SpreadOverGroups("mixed", groups: 2, perGroup: 4);
        var appendKeys = Keys.SpreadOverGroups("log", groups: 2, perGroup: 2);
        var history = new HistoryRecorder();
        var clients = new List<OrleansKv.Client.KvClient>();
        for (var i = 0; i < Workers; i++) clients.Add(await cluster.ConnectAsync(TimeSpan.FromSeconds(10)));
        var workers = clients.Select((c, i) => new LoadWorker(i + 1, c, history, keys, appendKeys)).ToList();
        // Some of the load goes through the HTTP gateways instead, each worker starting at another silo's.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < HttpWorkers; i++)
        {
            var gateways = cluster.Silos.Select(s => s.HttpUrl).Skip(i).Concat(cluster.Silos.Select(s => s.HttpUrl).Take(i)).ToList();
            workers.Add(new LoadWorker(Workers + i + 1, new HttpKvClient(http, gateways), history, keys, appendKeys));
        }

        using var stop = new CancellationTokenSource();
        var running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToList();
        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                await LoadChecks.WaitForProgressAsync(workers, 100, "load before the kill");
                var group = (uint)(round % 2 + 1);
                var leader = await cluster.LeaderOfAsync(clients[0], group, TimeSpan.FromSeconds(30));
                leader.Kill();
                await LoadChecks.WaitForProgressAsync(workers, 50, $"load to resume after killing {leader.Name}");
                cluster.Start(leader);
                await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60));
            }
            await LoadChecks.WaitForProgressAsync(workers, 50, "load after the last restart");
        }
        catch (TimeoutException e)
        {
            // What the silos said last is what tells a stall apart from a slow machine.
            throw new TimeoutException($"{e.Message}\n{string.Join('\n', cluster.Silos.Select(s => $"--- {s.Name} (last lines) ---\n{s.RecentLog}"))}", e);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }

        await using var reader = await cluster.ConnectAsync();
        await LoadChecks.AssertEveryAcknowledgedAppendAppearsOnceAsync(reader, appendKeys, workers);
        Assert.All(workers.Skip(Workers), w => Assert.True(w.Acknowledged > 0, "an HTTP worker got no answer at all"));
        LoadChecks.AssertLinearizable(history, minimumOperations: 200);
        foreach (var client in clients) await client.DisposeAsync();
    }
}
