using System.Text.Json;

namespace OrleansKv.Integration;

public sealed class GracefulStopTests
{
    [Fact]
    public async Task A_leader_stopped_with_SIGTERM_hands_its_group_to_another_silo_before_it_exits()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var client = await cluster.ConnectAsync();
        var leader = await cluster.LeaderOfAsync(client, group: 1, TimeSpan.FromSeconds(30));
        await client.PutAsync(Keys.Utf8("before-stop"), Keys.Utf8("v"));

        await leader.StopAsync(TimeSpan.FromSeconds(20));
        Assert.False(leader.IsRunning);

        // The stopping silo handed its groups over before it exited: it logs that once every other
        // replica named the same successor.
        Assert.Contains("handed over", leader.RecentLog);

        // The survivors agree on one of them as the leader. (Known weakness: the successor
        // sometimes loses its new leadership right after the old leader's process is gone, and a
        // second election follows; so this waits for agreement instead of reading it at once.)
        var survivors = cluster.Silos.Where(s => s.IsRunning).ToList();
        await Eventually.WaitAsync(async () =>
        {
            var selfReportedLeaders = new List<string>();
            foreach (var silo in survivors)
            {
                using var view = JsonDocument.Parse(await cluster.Http.GetStringAsync($"{silo.HttpUrl}/v1/cluster"));
                var group = view.RootElement.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("id").GetUInt32() == 1);
                if (group.GetProperty("leader").GetString() == silo.Name) selfReportedLeaders.Add(silo.Name);
            }
            return selfReportedLeaders.Count == 1;
        }, TimeSpan.FromSeconds(30), "exactly one survivor to lead group 1");
        Assert.Equal("v", Keys.Text((await client.GetAsync(Keys.Utf8("before-stop")))!.Value));
    }
}
