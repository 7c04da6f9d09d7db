using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>Check-quorum and the leader lease (thesis §6.2, §4.2.3).</summary>
public class CheckQuorumTests
{
    [Fact]
    public void A_leader_steps_down_at_the_first_quorum_check_that_follows_a_whole_election_timeout_without_acks()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.TickAll(9); // heartbeats are answered during the first check-quorum period
        net.Isolate(1);
        net.Tick(1);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role); // tick 10: the first check passes on those acks

        net.Tick(1, 9);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        net.Tick(1); // tick 20: a whole period without hearing from anyone
        Assert.Equal(RaftRole.Follower, net.Nodes[1].Role);
        Assert.Equal(0UL, net.Nodes[1].Leader);
        Assert.Equal(1UL, net.Nodes[1].Term); // stepping down does not change the term
    }

    [Fact]
    public void A_leader_cut_off_at_any_moment_steps_down_within_two_election_timeouts()
    {
        for (var before = 0; before < 10; before++)
        {
            var net = new Network(1, 2, 3);
            net.Elect(1);
            net.TickAll(before);
            net.Isolate(1);
            var ticks = 0;
            while (net.Nodes[1].Role == RaftRole.Leader)
            {
                net.Tick(1);
                ticks++;
                Assert.True(ticks <= 20, $"cut after {before} ticks: still leader after {ticks}");
            }
            Assert.True(ticks > 10 - before, "it stepped down before a whole quorum period without acks elapsed");
        }
    }

    [Fact]
    public void Repeated_transfer_requests_cannot_keep_a_leader_cut_off_from_the_majority_in_office()
    {
        // Starting a transfer restarts the election-timeout clock (the transfer's deadline), which is
        // also the check-quorum clock; switching targets must not restart it again and again.
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(1);
        for (var tick = 0; tick < 40; tick++)
        {
            if (tick % 5 == 0) net.Nodes[1].TransferLeadership(tick % 10 == 0 ? 2UL : 3UL);
            net.Tick(1);
        }
        Assert.NotEqual(RaftRole.Leader, net.Nodes[1].Role);
    }

    [Fact]
    public void A_leader_that_hears_from_a_quorum_keeps_leading_when_one_follower_is_gone()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var term = net.Nodes[1].Term;
        net.Cut(1, 3);
        net.TickAll(100);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(term, net.Nodes[1].Term);
        Assert.Equal(term, net.Nodes[2].Term);
    }

    [Fact]
    public void Without_check_quorum_an_isolated_leader_keeps_believing_it_leads()
    {
        var net = Network.Create([1, 2, 3], checkQuorum: false);
        net.Elect(1);
        net.Isolate(1);
        net.Tick(1, 100);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
    }

    [Theory]
    [InlineData(MessageType.RequestVote)]
    [InlineData(MessageType.RequestPreVote)]
    public void A_follower_that_heard_from_the_leader_within_the_election_timeout_ignores_vote_requests(MessageType type)
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.TickAll(3);
        var follower = net.Nodes[2];
        var (term, vote) = (follower.Term, follower.Vote);
        var mark = net.Delivered.Count;

        follower.Step(new Message { Type = type, From = 3, To = 2, Term = term + 1, Index = follower.LastIndex + 5, LogTerm = term });
        net.Settle();
        Assert.Equal(term, follower.Term);
        Assert.Equal(vote, follower.Vote);
        Assert.Equal(1UL, follower.Leader);
        Assert.DoesNotContain(net.DeliveredSince(mark), m => m.From == 2 && m.To == 3);
    }

    [Fact]
    public void A_leader_within_its_lease_ignores_vote_requests_from_a_higher_term()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var leader = net.Nodes[1];
        var term = leader.Term;
        leader.Step(Vote(3, 1, term + 1, leader.LastIndex, term));
        net.Settle();
        Assert.Equal(RaftRole.Leader, leader.Role);
        Assert.Equal(term, leader.Term);
    }

    [Fact]
    public void Once_the_lease_has_expired_a_follower_grants_votes_again()
    {
        var follower = Solo.Create(2, [1, 2, 3]);
        follower.Step(Heartbeat(1, 2, 1));
        Assert.Equal(1UL, follower.Node.Leader);
        for (var i = 0; i < 9; i++) follower.Node.Tick();
        Assert.Empty(follower.Step(Vote(3, 2, 2, 0, 0))); // 9 ticks: still in the lease
        Assert.Equal(1UL, follower.Node.Term);

        follower.Node.Tick(); // 10 ticks without a leader message: the lease is over
        follower.Drain();
        var reply = follower.Step(Vote(3, 2, 2, 0, 0));
        Assert.Contains(reply, m => m.Type == MessageType.RequestVoteResponse && m.To == 3 && !m.Reject);
        Assert.Equal(2UL, follower.Node.Term);
        Assert.Equal(3UL, follower.Node.Vote);
    }

    [Fact]
    public void A_leadership_transfer_campaign_is_granted_by_followers_still_in_their_lease()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.TickAll(2); // 2 has just heard a heartbeat: in its lease
        var term = net.Nodes[1].Term;
        var mark = net.Delivered.Count;

        Assert.Equal(ProposalStatus.Accepted, net.Nodes[1].TransferLeadership(3).Status);
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[3].Role);
        Assert.Equal(term + 1, net.Nodes[3].Term);
        Assert.Equal(3UL, net.Nodes[2].Vote);
        Assert.Contains(net.DeliveredSince(mark), m => m.Type == MessageType.RequestVoteResponse && m.From == 2 && m.To == 3 && !m.Reject);
    }

    [Fact]
    public void An_ordinary_campaign_by_a_connected_follower_cannot_depose_a_leader_in_its_lease()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var term = net.Nodes[1].Term;
        net.Nodes[3].Campaign(); // e.g. a node whose clock ran fast
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(term, net.Nodes[1].Term);
        net.TickAll(3);
        Assert.Equal(1UL, net.Nodes[3].Leader);
        Assert.All(net.Nodes.Values, n => Assert.Equal(term, n.Term));
    }

    [Fact]
    public void A_leader_deposed_by_check_quorum_can_be_replaced_by_the_majority_side()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(1);
        net.TickAll(60);
        Assert.NotEqual(RaftRole.Leader, net.Nodes[1].Role);
        var leader = net.Leader;
        Assert.NotNull(leader);
        Assert.NotEqual(1UL, leader.Id);
        Assert.Equal(2UL, leader.Term);
        Assert.Equal(1UL, net.Nodes[1].Term); // pre-vote kept the isolated node's term

        net.Heal();
        net.TickAll(3);
        Assert.Equal(leader.Id, net.Nodes[1].Leader);
        Assert.Equal(2UL, net.Nodes[1].Term);
    }
}
