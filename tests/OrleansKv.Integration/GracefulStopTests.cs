using System.Text.Json;

namespace OrleansKv.Integration;

public sealed class GracefulStopTests
{
    private sealed record Leadership(string Leader, ulong Term);

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

        // So the survivors agree on a leader of every group at once (the timeout covers the HTTP
        // round trips on a busy machine, not an election: one takes longer than the window below).
        var survivors = cluster.Silos.Where(s => s.IsRunning).ToList();
        var groups = new uint[] { 1, 2 };
        var successors = new Dictionary<uint, Leadership>();
        foreach (var group in groups)
            successors[group] = await Eventually.WaitAsync(() => AgreedLeadershipAsync(cluster, survivors, group), TimeSpan.FromSeconds(3), $"the survivors to agree on a leader of group {group}");

        // And the successors keep leading, in the same term, now that the stopped silo is gone and
        // the survivors have seen it leave: a new election would show as another leader or a
        // later term. (The grain directory used to deactivate peers whose registration lived on
        // the stopping silo, and a successor lost its leadership that way.)
        await Consistently.HoldsAsync(async () =>
        {
            foreach (var group in groups)
                if (await AgreedLeadershipAsync(cluster, survivors, group) != successors[group]) return false;
            return true;
        }, TimeSpan.FromSeconds(3), "every group's leader and term as the survivors first agreed on them (" + string.Join(", ", successors.Select(s => $"group {s.Key}: {s.Value}")) + ")");
        Assert.Equal("v", Keys.Text((await client.GetAsync(Keys.Utf8("before-stop")))!.Value));
    }

    // The leader and term every survivor reports for the group, if they all report the same one
    // and it is one of them; null otherwise.
    private static async Task<Leadership?> AgreedLeadershipAsync(TestCluster cluster, IReadOnlyList<SiloProcess> survivors, uint group)
    {
        Leadership? agreed = null;
        foreach (var silo in survivors)
        {
            using var view = JsonDocument.Parse(await cluster.Http.GetStringAsync($"{silo.HttpUrl}/v1/cluster"));
            var entry = view.RootElement.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("id").GetUInt32() == group);
            var seen = new Leadership(entry.GetProperty("leader").GetString() ?? "", entry.GetProperty("term").GetUInt64());
            if (seen.Leader.Length == 0 || (agreed is not null && agreed != seen)) return null;
            agreed = seen;
        }
        return agreed is not null && survivors.Any(s => s.Name == agreed.Leader) ? agreed : null;
    }
}
