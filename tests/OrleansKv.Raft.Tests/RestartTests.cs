using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>A node rebuilt from what it persisted (term, vote, log, commit, snapshot) carries on safely.</summary>
public class RestartTests
{
    [Fact]
    public void A_restarted_node_keeps_its_term_vote_log_and_commit()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        for (var i = 0; i < 3; i++) net.Propose(1, $"c{i}");
        var before = net.Nodes[2];
        var entries = before.GetEntries(1, before.LastIndex + 1);

        var after = net.Restart(2);
        Assert.Equal(before.Term, after.Term);
        Assert.Equal(before.Vote, after.Vote);
        Assert.Equal(1UL, after.Vote);
        Assert.Equal(before.Commit, after.Commit);
        Assert.Equal(before.LastIndex, after.LastIndex);
        Assert.Equal(entries, after.GetEntries(1, after.LastIndex + 1));
        Assert.Equal(RaftRole.Follower, after.Role);
        Assert.Equal(0UL, after.Leader); // leadership is not persisted

        // Its state machine was not durable: it replays the committed log, once.
        net.Settle();
        Assert.Equal(["c0", "c1", "c2"], net.AppliedCommands(2));
        net.Propose(1, "c3");
        Assert.Equal(["c0", "c1", "c2", "c3"], net.AppliedCommands(2));
    }

    [Fact]
    public void A_restarted_node_never_votes_twice_in_a_term()
    {
        var voter = Solo.Create(3, [1, 2, 3], preVote: false);
        Assert.Contains(voter.Step(Vote(1, 3, 5, 0, 0)), m => m.Type == MessageType.RequestVoteResponse && !m.Reject);

        voter.Restart();
        Assert.Equal(5UL, voter.Node.Term);
        Assert.Equal(1UL, voter.Node.Vote);
        var reply = Assert.Single(voter.Step(Vote(2, 3, 5, 0, 0)));
        Assert.True(reply.Reject);
        Assert.Equal(1UL, voter.Node.Vote);
        // The candidate it did vote for may ask again (e.g. a retransmission) and gets the same answer.
        Assert.False(Assert.Single(voter.Step(Vote(1, 3, 5, 0, 0))).Reject);
    }

    [Fact]
    public void A_restarted_candidate_does_not_vote_for_another_node_in_the_term_it_campaigned_in()
    {
        var candidate = Solo.Create(1, [1, 2, 3], preVote: false);
        candidate.Node.Campaign();
        candidate.Drain();
        candidate.Restart();
        Assert.Equal(1UL, candidate.Node.Term);
        Assert.Equal(1UL, candidate.Node.Vote);
        Assert.True(Assert.Single(candidate.Step(Vote(2, 1, 1, 0, 0))).Reject);
    }

    [Fact]
    public void A_restarted_leader_comes_back_as_a_follower_of_its_term_and_rejoins()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Propose(1, "x");
        var restarted = net.Restart(1);
        Assert.Equal(RaftRole.Follower, restarted.Role);
        Assert.Equal(1UL, restarted.Term);
        Assert.Equal(2UL, restarted.Commit);

        net.TickAll(40);
        var leader = net.Leader;
        Assert.NotNull(leader);
        Assert.True(leader.Term > 1);
        net.Propose(leader.Id, "y");
        Assert.Equal(["x", "y"], net.AppliedCommands(1));
    }

    [Fact]
    public void A_restarted_node_with_a_durable_state_machine_does_not_reapply_what_it_had_applied()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        for (var i = 0; i < 4; i++) net.Propose(1, $"c{i}");
        var options = Network.Options(2, Membership.OfVoters(1, 2, 3), applied: 3);
        net.Restart(2, options);
        net.Settle();
        Assert.Equal(new ulong[] { 4, 5 }, net.Applied[2].Select(e => e.Index));
    }

    [Fact]
    public void An_applied_index_beyond_the_persisted_commit_index_is_rejected()
    {
        var storage = new MemoryRaftLog();
        storage.Append(Log(1, 1));
        storage.SetHardState(new HardState(1, 0, 1));
        var options = Network.Options(2, Membership.OfVoters(1, 2, 3), applied: 2);
        Assert.Throws<ArgumentException>(() => new RaftNode(options, storage));
    }

    [Fact]
    public void A_restarted_node_with_a_snapshot_starts_applying_after_the_snapshot()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        for (var i = 0; i < 4; i++) net.Propose(1, $"c{i}");
        net.Storage[3].CreateSnapshot(3, net.Nodes[3].MembershipAt(3), B("state@3"));
        net.Storage[3].Compact(3);

        var restarted = net.Restart(3);
        Assert.Equal(4UL, restarted.FirstIndex);
        Assert.Equal(3UL, restarted.Applied);
        net.Settle();
        Assert.Equal(["c2", "c3"], net.AppliedCommands(3));
    }
}
