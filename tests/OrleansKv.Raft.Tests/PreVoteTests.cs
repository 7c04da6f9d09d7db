using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>Pre-vote (thesis §9.6): a node first asks whether it could win, without touching terms.</summary>
public class PreVoteTests
{
    [Fact]
    public void A_pre_candidate_keeps_its_term_and_vote_and_asks_for_pre_votes_in_the_next_term()
    {
        var node = Solo.Create(1, [1, 2, 3], log: Log(1, 3), hardState: new HardState(3, 0, 2));
        node.Node.Campaign();
        var sent = node.Drain();
        Assert.Equal(RaftRole.PreCandidate, node.Node.Role);
        Assert.Equal(3UL, node.Node.Term);
        Assert.Equal(0UL, node.Node.Vote);
        Assert.Equal(new HardState(3, 0, 2), node.Storage.HardState);
        Assert.All(node.Readies, r => Assert.Null(r.HardState)); // nothing durable changed
        Assert.Equal(2, sent.Count);
        Assert.All(sent, m =>
        {
            Assert.Equal(MessageType.RequestPreVote, m.Type);
            Assert.Equal(4UL, m.Term);
            Assert.Equal(2UL, m.Index);
            Assert.Equal(3UL, m.LogTerm);
        });
    }

    [Fact]
    public void Granting_a_pre_vote_changes_neither_the_voters_term_nor_its_vote()
    {
        // The voter voted for 1 in term 3 (and restarted, so it knows no leader).
        var voter = Solo.Create(2, [1, 2, 3], log: Log(1, 3), hardState: new HardState(3, 1, 0));
        var reply = Assert.Single(voter.Step(PreVote(3, 2, 4, 2, 3)));
        Assert.Equal(MessageType.RequestPreVoteResponse, reply.Type);
        Assert.False(reply.Reject);
        Assert.Equal(4UL, reply.Term); // the term the pre-candidate would campaign in
        Assert.Equal(3UL, voter.Node.Term);
        Assert.Equal(1UL, voter.Node.Vote);
        Assert.Equal(new HardState(3, 1, 0), voter.Storage.HardState);
    }

    [Fact]
    public void A_pre_vote_is_refused_to_a_node_whose_log_is_behind()
    {
        var voter = Solo.Create(2, [1, 2, 3], log: Log(1, 3), hardState: new HardState(3, 0, 0));
        var reply = Assert.Single(voter.Step(PreVote(3, 2, 4, 5, 1)));
        Assert.Equal(MessageType.RequestPreVoteResponse, reply.Type);
        Assert.True(reply.Reject);
        Assert.Equal(3UL, voter.Node.Term);
    }

    [Fact]
    public void A_pre_candidate_refused_by_a_majority_goes_back_to_follower_without_changing_term()
    {
        var node = Solo.Create(1, [1, 2, 3], hardState: new HardState(2, 0, 0));
        node.Node.Campaign();
        node.Drain();
        node.Step(new Message { Type = MessageType.RequestPreVoteResponse, From = 2, To = 1, Term = 2, Reject = true });
        node.Step(new Message { Type = MessageType.RequestPreVoteResponse, From = 3, To = 1, Term = 2, Reject = true });
        Assert.Equal(RaftRole.Follower, node.Node.Role);
        Assert.Equal(2UL, node.Node.Term);
    }

    [Fact]
    public void A_pre_candidate_that_wins_the_pre_vote_runs_a_real_election_in_the_next_term()
    {
        var node = Solo.Create(1, [1, 2, 3], hardState: new HardState(2, 0, 0));
        node.Node.Campaign();
        node.Drain();
        var sent = node.Step(new Message { Type = MessageType.RequestPreVoteResponse, From = 2, To = 1, Term = 3 });
        Assert.Equal(RaftRole.Candidate, node.Node.Role);
        Assert.Equal(3UL, node.Node.Term);
        Assert.Equal(1UL, node.Node.Vote);
        Assert.Equal(2, sent.Count(m => m.Type == MessageType.RequestVote && m.Term == 3));
    }

    [Fact]
    public void A_partitioned_node_that_rejoins_neither_bumps_the_clusters_term_nor_deposes_the_leader()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var term = net.Nodes[1].Term;
        net.Isolate(3);
        net.TickAll(100); // 3 times out again and again, but its pre-votes go nowhere
        Assert.Equal(term, net.Nodes[3].Term);
        Assert.NotEqual(RaftRole.Follower, net.Nodes[3].Role); // it did try
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        net.Propose(1, "while-away");

        net.Heal();
        net.TickAll(5);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.All(net.Nodes.Values, n => Assert.Equal(term, n.Term));
        Assert.Equal(1UL, net.Nodes[3].Leader);
        Assert.Equal(net.Nodes[1].Commit, net.Nodes[3].Commit);
        Assert.Contains("while-away", net.AppliedCommands(3));
    }

    [Fact]
    public void Without_pre_vote_a_rejoining_partitioned_node_forces_the_cluster_into_a_higher_term()
    {
        // The contrast that motivates pre-vote: the isolated node's real campaigns raise its term,
        // and when it comes back the leader has to step down.
        var net = Network.Create([1, 2, 3], preVote: false);
        net.Elect(1);
        var term = net.Nodes[1].Term;
        net.Isolate(3);
        net.TickAll(100);
        Assert.True(net.Nodes[3].Term > term + 2);

        net.Heal();
        net.TickAll(5);
        for (var i = 0; i < 100 && net.Leader is null; i++) net.TickAll();
        Assert.NotNull(net.Leader);
        Assert.True(net.Leader.Term > term, "the cluster's term was bumped");
    }
}
