using OrleansKv.Raft;
using OrleansKv.Raft.Tracker;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// Flow control per follower: Probe (one AppendEntries per round trip) and Replicate (pipelined,
/// bounded by the inflight window), batching under MaxBytesPerMessage, and recovery from lost messages.
/// </summary>
public class FlowControlTests
{
    [Fact]
    public void In_Replicate_state_the_leader_pipelines_several_AppendEntries_before_any_ack()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        Assert.Equal(ProgressState.Replicate, net.Nodes[1].Progress[2].State);
        net.Hold(m => m.Type == MessageType.AppendEntries && m.To == 2);
        for (var i = 0; i < 5; i++) net.Propose(1, $"p{i}");

        var inFlight = net.Held.Where(m => m.Entries.Length > 0).ToList();
        Assert.Equal(5, inFlight.Count);
        Assert.Equal(Enumerable.Range(2, 5).Select(i => (ulong)i), inFlight.Select(m => m.Entries.Single().Index));
        Assert.Equal(5, net.Nodes[1].Progress[2].InflightCount);
        Assert.Equal(6UL, net.Nodes[1].Commit); // 1 and 3 are a quorum meanwhile

        net.StopHolding();
        net.Release();
        net.Settle();
        Assert.Equal(6UL, net.Nodes[1].Progress[2].Match);
        Assert.Equal(0, net.Nodes[1].Progress[2].InflightCount);
        Assert.Equal(new[] { "p0", "p1", "p2", "p3", "p4" }, net.AppliedCommands(2));
    }

    [Fact]
    public void The_inflight_window_is_bounded_by_MaxInflightMessages_and_reopens_as_acks_arrive()
    {
        var net = Network.Create([1, 2, 3], maxInflight: 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.AppendEntries && m.To == 2);
        for (var i = 0; i < 6; i++) net.Propose(1, $"p{i}");

        Assert.Equal(3, net.Held.Count(m => m.Entries.Length > 0)); // entries 2, 3, 4; then the leader stops
        var progress = net.Nodes[1].Progress[2];
        Assert.True(progress.IsPaused);
        Assert.Equal(3, progress.InflightCount);
        Assert.Equal(7UL, net.Nodes[1].LastIndex);

        // One ack frees one slot; the leader fills it with everything outstanding (entries 5..7).
        Assert.True(net.ReleaseFirst(m => m.Entries.Length > 0));
        net.Settle();
        var withEntries = net.Held.Where(m => m.Entries.Length > 0).ToList();
        Assert.Equal(3, withEntries.Count);
        Assert.Equal(new ulong[] { 5, 6, 7 }, withEntries[^1].Entries.Select(e => e.Index));
        Assert.Equal(3, progress.InflightCount);

        net.StopHolding();
        net.Release();
        net.Settle();
        Assert.Equal(7UL, progress.Match);
        Assert.Equal(0, progress.InflightCount);
    }

    [Fact]
    public void A_follower_in_Probe_state_gets_one_AppendEntries_per_round_trip()
    {
        var net = new Network(1, 2, 3);
        net.Hold(m => m.Type == MessageType.AppendEntries && m.To == 2);
        net.Elect(1);
        Assert.Equal(ProgressState.Probe, net.Nodes[1].Progress[2].State);
        for (var i = 0; i < 3; i++) net.Propose(1, $"p{i}");
        var probe = Assert.Single(net.Held);
        Assert.Equal(0UL, probe.Index);
        Assert.True(net.Nodes[1].Progress[2].IsPaused);

        net.Release(); // the probe is answered: the follower moves to Replicate and gets the rest in one go
        net.Settle();
        Assert.Equal(ProgressState.Replicate, net.Nodes[1].Progress[2].State);
        var rest = Assert.Single(net.Held);
        Assert.Equal(new ulong[] { 2, 3, 4 }, rest.Entries.Select(e => e.Index));
    }

    [Fact]
    public void A_batch_of_proposals_travels_in_a_single_AppendEntries()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var mark = net.Delivered.Count;
        var result = net.Nodes[1].Propose(Enumerable.Range(0, 10).Select(i => B($"b{i}")).ToList());
        Assert.Equal(ProposalStatus.Appended, result.Status);
        Assert.Equal(2UL, result.FirstIndex);
        Assert.Equal(11UL, result.LastIndex);
        net.Settle();
        var appends = net.DeliveredSince(mark).Where(m => m.Type == MessageType.AppendEntries && m.To == 2 && m.Entries.Length > 0).ToList();
        var single = Assert.Single(appends);
        Assert.Equal(10, single.Entries.Length);
        Assert.Equal(11UL, net.Nodes[2].Commit);
    }

    [Fact]
    public void AppendEntries_are_split_to_respect_MaxBytesPerMessage()
    {
        var net = Network.Create([1, 2, 3], maxBytesPerMessage: 250);
        net.Elect(1);
        var mark = net.Delivered.Count;
        net.Nodes[1].Propose(Enumerable.Range(0, 10).Select(_ => new byte[100]).ToList()); // 124 bytes each
        net.Settle();
        var appends = net.DeliveredSince(mark).Where(m => m.Type == MessageType.AppendEntries && m.To == 2 && m.Entries.Length > 0).ToList();
        Assert.All(appends, m => Assert.True(m.Entries.Sum(e => e.Size) <= 250, $"{m.Entries.Length} entries in one message"));
        Assert.Equal(5, appends.Count);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (ulong)i), appends.SelectMany(m => m.Entries).Select(e => e.Index));
        Assert.Equal(11UL, net.Nodes[2].Commit);
    }

    [Fact]
    public void An_entry_larger_than_MaxBytesPerMessage_is_still_sent_on_its_own()
    {
        var net = Network.Create([1, 2, 3], maxBytesPerMessage: 250);
        net.Elect(1);
        var mark = net.Delivered.Count;
        net.Nodes[1].Propose([new byte[1000], new byte[10]]);
        net.Settle();
        var appends = net.DeliveredSince(mark).Where(m => m.Type == MessageType.AppendEntries && m.To == 2 && m.Entries.Length > 0).ToList();
        Assert.Equal(new[] { 1, 1 }, appends.Select(m => m.Entries.Length));
        Assert.Equal(3UL, net.Nodes[2].Commit);
    }

    [Fact]
    public void A_lost_AppendEntries_is_recovered_after_the_next_heartbeat_response()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var losing = true;
        net.DropIf(m => losing && m.Type == MessageType.AppendEntries && m.To == 2);
        net.Propose(1, "x");
        losing = false;
        Assert.Equal(2UL, net.Nodes[1].Commit);
        Assert.Equal(1UL, net.Nodes[2].LastIndex);

        var mark = net.Delivered.Count;
        net.Tick(1);
        Assert.Equal(2UL, net.Nodes[2].LastIndex);
        Assert.Equal(2UL, net.Nodes[2].Commit);
        Assert.Equal(["x"], net.AppliedCommands(2));
        var after = net.DeliveredSince(mark).ToList();
        var heartbeatAck = after.FindIndex(m => m.Type == MessageType.HeartbeatResponse && m.From == 2);
        var resend = after.FindIndex(m => m.Type == MessageType.AppendEntries && m.To == 2 && m.Entries.Length > 0);
        Assert.True(heartbeatAck >= 0 && resend > heartbeatAck);
    }

    [Fact]
    public void ReportUnreachable_moves_a_replicating_follower_back_to_probing()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        Assert.Equal(ProgressState.Replicate, net.Nodes[1].Progress[2].State);
        net.Nodes[1].ReportUnreachable(2);
        Assert.Equal(ProgressState.Probe, net.Nodes[1].Progress[2].State);
        net.Propose(1, "x");
        Assert.Equal(ProgressState.Replicate, net.Nodes[1].Progress[2].State);
        Assert.Equal(["x"], net.AppliedCommands(2));
    }
}
