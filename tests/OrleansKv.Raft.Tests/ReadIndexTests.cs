using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>Linearizable reads without log writes: ReadIndex (thesis §6.4).</summary>
public class ReadIndexTests
{
    private static bool HasContext(Message m, string context) => m.Context is { } c && S(c) == context;

    [Fact]
    public void A_leader_answers_a_read_only_after_a_quorum_acknowledges_a_heartbeat_round()
    {
        var net = new Network(1, 2, 3, 4, 5);
        net.Elect(1);
        net.Propose(1, "x");
        net.Hold(m => m.Type == MessageType.HeartbeatResponse && m.To == 1);
        Assert.Equal(ProposalStatus.Accepted, net.Nodes[1].ReadIndex(B("r1")).Status);
        net.Settle();
        Assert.Empty(net.ReadStates[1]);
        Assert.Equal(4, net.Held.Count(m => HasContext(m, "r1")));

        net.ReleaseFirst(m => m.From == 2);
        net.Settle();
        Assert.Empty(net.ReadStates[1]); // leader + 1 of 5
        net.ReleaseFirst(m => m.From == 3);
        net.Settle();
        var read = Assert.Single(net.ReadStates[1]); // leader + 2 of 5: a majority
        Assert.Equal("r1", S(read.Context));
        Assert.Equal(2UL, read.Index);
    }

    [Fact]
    public void The_read_index_is_the_commit_index_at_the_time_the_read_arrived()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.HeartbeatResponse);
        net.Nodes[1].ReadIndex(B("r"));
        net.Settle();
        net.Propose(1, "later"); // commits at index 2 while the read waits
        Assert.Equal(2UL, net.Nodes[1].Commit);
        net.StopHolding();
        net.Release();
        net.Settle();
        Assert.Equal(1UL, Assert.Single(net.ReadStates[1]).Index);
    }

    [Fact]
    public void A_new_leader_defers_reads_until_it_has_committed_an_entry_of_its_own_term()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        // Node 2 receives "x" but never hears that it committed.
        net.DropIf(m => m.From == 1 && m.To == 2 && m.Type == MessageType.AppendEntries && m.Entries.Length == 0);
        net.Propose(1, "x");
        Assert.Equal(2UL, net.Nodes[1].Commit);
        Assert.Equal(1UL, net.Nodes[2].Commit);

        net.Hold(m => m.From == 2 && m.Type == MessageType.AppendEntries);
        net.Nodes[1].TransferLeadership(2);
        net.Settle();
        var leader = net.Nodes[2];
        Assert.Equal(RaftRole.Leader, leader.Role);
        Assert.Equal(1UL, leader.Commit); // stale: answering now could miss "x"

        Assert.Equal(ProposalStatus.Accepted, leader.ReadIndex(B("r")).Status);
        net.Settle();
        Assert.Empty(net.ReadStates[2]);
        Assert.DoesNotContain(net.Delivered, m => m.Type == MessageType.Heartbeat && HasContext(m, "r"));

        net.StopHolding();
        net.Release();
        net.Settle();
        var read = Assert.Single(net.ReadStates[2]);
        Assert.Equal(3UL, read.Index); // its term-2 no-op, which covers "x"
        Assert.Equal(3UL, leader.Commit);
    }

    [Fact]
    public void A_follower_forwards_a_read_to_the_leader_and_receives_the_read_state()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Propose(1, "x");
        var result = net.Nodes[2].ReadIndex(B("f"));
        Assert.Equal(ProposalStatus.Forwarded, result.Status);
        Assert.Equal(1UL, result.Leader);
        net.Settle();
        var read = Assert.Single(net.ReadStates[2]);
        Assert.Equal("f", S(read.Context));
        Assert.Equal(2UL, read.Index);
        Assert.Empty(net.ReadStates[1]);
    }

    [Fact]
    public void A_single_voter_leader_answers_a_read_at_once_but_not_before_committing_in_its_term()
    {
        var solo = Solo.Create(1, [1]);
        solo.Node.Campaign();
        solo.Node.ReadIndex(B("early")); // the no-op is not durable yet
        var first = solo.Node.GetReady();
        Assert.Empty(first.ReadStates);
        solo.Storage.Append(first.Entries);
        solo.Node.Advance(first);
        solo.Drain();
        Assert.Equal(1UL, Assert.Single(solo.ReadStates).Index);

        solo.Node.ReadIndex(B("now"));
        solo.Drain();
        Assert.Equal(["early", "now"], solo.ReadStates.Select(r => S(r.Context)));
        Assert.Empty(solo.Readies.SelectMany(r => r.Messages));
    }

    [Fact]
    public void A_quorum_ack_for_a_later_read_also_confirms_every_earlier_one()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.HeartbeatResponse);
        net.Nodes[1].ReadIndex(B("r1"));
        net.Settle();
        net.Nodes[1].ReadIndex(B("r2"));
        net.Settle();
        net.Release(m => HasContext(m, "r2"));
        net.Settle();
        Assert.Equal(["r1", "r2"], net.ReadStates[1].Select(r => S(r.Context)));
    }

    [Fact]
    public void A_read_whose_heartbeat_acks_were_lost_is_confirmed_by_a_later_heartbeat_round()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var losing = true;
        net.DropIf(m => losing && m.Type == MessageType.HeartbeatResponse);
        net.Nodes[1].ReadIndex(B("r"));
        net.Settle();
        Assert.Empty(net.ReadStates[1]);
        losing = false;
        net.Tick(1);
        Assert.Equal("r", S(Assert.Single(net.ReadStates[1]).Context));
    }

    [Fact]
    public void A_pending_read_is_dropped_when_the_leader_loses_leadership()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.HeartbeatResponse);
        net.Nodes[1].ReadIndex(B("r"));
        net.Settle();
        net.StopHolding();
        net.Held.Clear();
        net.Nodes[1].TransferLeadership(2);
        net.Settle();
        Assert.Equal(RaftRole.Follower, net.Nodes[1].Role);
        Assert.Empty(net.ReadStates[1]);
        Assert.Equal("r", S(Assert.Single(net.DroppedReads[1])));
    }

    [Fact]
    public void A_read_forwarded_by_a_follower_is_failed_back_to_it_when_the_leader_loses_leadership()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.HeartbeatResponse);
        net.Nodes[3].ReadIndex(B("f"));
        net.Settle();
        net.StopHolding();
        net.Held.Clear();
        net.Nodes[1].TransferLeadership(2);
        net.Settle();
        Assert.Empty(net.ReadStates[3]);
        Assert.Equal("f", S(Assert.Single(net.DroppedReads[3])));
    }

    [Fact]
    public void A_leader_cut_off_from_the_majority_cannot_serve_a_read()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(1);
        net.TickOnly(30, 2, 3);
        var newLeader = net.LeaderAmong(2, 3)!;
        Assert.NotNull(newLeader);
        net.Propose(newLeader.Id, "newer");
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role); // the old leader has not noticed yet

        Assert.Equal(ProposalStatus.Accepted, net.Nodes[1].ReadIndex(B("stale?")).Status);
        net.Settle();
        Assert.Empty(net.ReadStates[1]); // it would have missed "newer"
        net.Tick(1, 20); // check-quorum deposes it
        Assert.NotEqual(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Empty(net.ReadStates[1]);
        Assert.Equal("stale?", S(Assert.Single(net.DroppedReads[1])));
    }

    [Fact]
    public void A_read_with_no_leader_known_is_refused_at_once()
    {
        var net = new Network(1, 2, 3);
        var result = net.Nodes[2].ReadIndex(B("r"));
        Assert.Equal(ProposalStatus.Dropped, result.Status);
        Assert.Equal(DropReason.NoLeader, result.Reason);
    }
}
