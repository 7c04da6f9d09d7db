using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>Leader election (Raft §5.2, §5.4.1): timeouts, votes, and how candidates and leaders react to terms.</summary>
public class ElectionTests
{
    [Fact]
    public void A_follower_campaigns_after_a_random_timeout_between_ElectionTicks_and_twice_ElectionTicks()
    {
        var observed = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var options = new RaftOptions
            {
                Id = 1, InitialMembership = Membership.OfVoters(1, 2, 3), ElectionTicks = 10, Random = new Random(seed),
            };
            var node = new RaftNode(options, new MemoryRaftLog());
            var ticks = 0;
            while (node.Role == RaftRole.Follower)
            {
                node.Tick();
                ticks++;
                Assert.True(ticks < 20, $"seed {seed}: still a follower after {ticks} ticks");
            }
            Assert.InRange(ticks, 10, 19);
            Assert.Equal(RaftRole.PreCandidate, node.Role);
            observed.Add(ticks);
        }
        // Randomized: the timeouts spread over the range rather than all being equal.
        Assert.True(observed.Count >= 5, $"only saw timeouts {string.Join(",", observed)}");
    }

    [Fact]
    public void A_follower_that_keeps_hearing_from_its_leader_never_campaigns()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var term = net.Nodes[1].Term;
        net.TickAll(100);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.All(net.Nodes.Values, n => Assert.Equal(term, n.Term));
        Assert.DoesNotContain(net.Delivered, m => m.Type is MessageType.RequestVote or MessageType.RequestPreVote && m.Term > term);
    }

    [Fact]
    public void A_single_voter_elects_itself_on_its_first_timeout()
    {
        var solo = Solo.Create(1, [1]);
        for (var i = 0; i < 20 && solo.Node.Role != RaftRole.Leader; i++) solo.Node.Tick();
        Assert.Equal(RaftRole.Leader, solo.Node.Role);
        Assert.Equal(1UL, solo.Node.Term);
        Assert.Empty(solo.Drain());
    }

    [Fact]
    public void A_node_grants_at_most_one_vote_per_term()
    {
        var voter = Solo.Create(3, [1, 2, 3], preVote: false);
        var first = voter.Step(Vote(1, 3, 1, 0, 0));
        Assert.Single(first, m => m.Type == MessageType.RequestVoteResponse && m.To == 1 && !m.Reject);
        Assert.Equal(1UL, voter.Node.Vote);

        var second = voter.Step(Vote(2, 3, 1, 0, 0));
        Assert.Single(second, m => m.Type == MessageType.RequestVoteResponse && m.To == 2 && m.Reject);
        Assert.Equal(1UL, voter.Node.Vote);

        // Asking again (a retransmission) gets the same answer: the vote is already the candidate's.
        var again = voter.Step(Vote(1, 3, 1, 0, 0));
        Assert.Single(again, m => m.Type == MessageType.RequestVoteResponse && m.To == 1 && !m.Reject);
    }

    [Fact]
    public void A_vote_is_in_the_persisted_hard_state_of_the_same_Ready_that_carries_the_response()
    {
        var voter = Solo.Create(3, [1, 2, 3], preVote: false);
        voter.Node.Step(Vote(1, 3, 4, 0, 0));
        var ready = voter.Node.GetReady();
        Assert.Contains(ready.Messages, m => m.Type == MessageType.RequestVoteResponse && !m.Reject);
        Assert.Equal(new HardState(4, 1, 0), ready.HardState);
        Assert.True(ready.MustSync);
        voter.Node.Advance(ready);
    }

    [Theory]
    [InlineData(5UL, 1UL, false)] // longer log, but its last term is older
    [InlineData(1UL, 2UL, false)] // same last term, shorter
    [InlineData(2UL, 2UL, true)]  // identical
    [InlineData(3UL, 2UL, true)]  // same last term, longer
    [InlineData(1UL, 3UL, true)]  // newer last term wins whatever the length
    public void A_node_votes_only_for_a_candidate_whose_log_is_at_least_as_up_to_date(ulong lastIndex, ulong lastTerm, bool granted)
    {
        var voter = Solo.Create(2, [1, 2, 3], preVote: false, log: Log(1, 2), hardState: new HardState(2, 0, 0));
        var reply = Assert.Single(voter.Step(Vote(1, 2, 3, lastIndex, lastTerm)));
        Assert.Equal(MessageType.RequestVoteResponse, reply.Type);
        Assert.Equal(!granted, reply.Reject);
        Assert.Equal(granted ? 1UL : 0UL, voter.Node.Vote);
        Assert.Equal(3UL, voter.Node.Term); // the higher term is adopted either way
    }

    [Fact]
    public void A_candidate_votes_for_itself_and_asks_every_other_voter_in_a_new_term()
    {
        var candidate = Solo.Create(1, [1, 2, 3], preVote: false, log: Log(1, 1), hardState: new HardState(1, 0, 0));
        candidate.Node.Campaign();
        var sent = candidate.Drain();
        Assert.Equal(RaftRole.Candidate, candidate.Node.Role);
        Assert.Equal(2UL, candidate.Node.Term);
        Assert.Equal(1UL, candidate.Node.Vote);
        Assert.Equal(new ulong[] { 2, 3 }, sent.Select(m => m.To).Order());
        Assert.All(sent, m =>
        {
            Assert.Equal(MessageType.RequestVote, m.Type);
            Assert.Equal(2UL, m.Term);
            Assert.Equal(2UL, m.Index);
            Assert.Equal(1UL, m.LogTerm);
        });
        Assert.Equal(new HardState(2, 1, 0), candidate.Storage.HardState);
    }

    [Fact]
    public void A_candidate_steps_down_when_it_receives_AppendEntries_from_a_leader_of_its_term()
    {
        var candidate = Solo.Create(1, [1, 2, 3], preVote: false);
        candidate.Node.Campaign();
        candidate.Drain();
        Assert.Equal(RaftRole.Candidate, candidate.Node.Role);

        var reply = candidate.Step(Append(2, 1, 1, 0, 0, [E(1, 1)]));
        Assert.Equal(RaftRole.Follower, candidate.Node.Role);
        Assert.Equal(2UL, candidate.Node.Leader);
        Assert.Equal(1UL, candidate.Node.Term);
        Assert.Equal(1UL, candidate.Node.Vote); // the vote it cast in this term stands
        Assert.Contains(reply, m => m.Type == MessageType.AppendEntriesResponse && !m.Reject && m.Index == 1);
    }

    [Fact]
    public void A_candidate_that_a_majority_refuses_returns_to_follower_in_the_same_term()
    {
        var candidate = Solo.Create(1, [1, 2, 3], preVote: false);
        candidate.Node.Campaign();
        candidate.Drain();
        candidate.Step(new Message { Type = MessageType.RequestVoteResponse, From = 2, To = 1, Term = 1, Reject = true });
        Assert.Equal(RaftRole.Candidate, candidate.Node.Role); // one refusal of three: still open
        candidate.Step(new Message { Type = MessageType.RequestVoteResponse, From = 3, To = 1, Term = 1, Reject = true });
        Assert.Equal(RaftRole.Follower, candidate.Node.Role);
        Assert.Equal(1UL, candidate.Node.Term);
    }

    [Fact]
    public void A_candidate_wins_with_a_majority_and_immediately_appends_a_no_op_of_its_term()
    {
        var candidate = Solo.Create(1, [1, 2, 3, 4, 5], preVote: false);
        candidate.Node.Campaign();
        candidate.Drain();
        candidate.Step(new Message { Type = MessageType.RequestVoteResponse, From = 2, To = 1, Term = 1 });
        Assert.Equal(RaftRole.Candidate, candidate.Node.Role); // 2 of 5
        var sent = candidate.Step(new Message { Type = MessageType.RequestVoteResponse, From = 3, To = 1, Term = 1 });
        Assert.Equal(RaftRole.Leader, candidate.Node.Role); // 3 of 5
        var noOp = Assert.Single(candidate.Node.GetEntries(1, 2));
        Assert.Equal(1UL, noOp.Term);
        Assert.Empty(noOp.Data);
        Assert.Equal(4, sent.Count(m => m.Type == MessageType.AppendEntries));
    }

    [Fact]
    public void A_leader_steps_down_when_it_sees_a_higher_term()
    {
        var net = Network.Create([1, 2, 3], checkQuorum: false);
        net.Elect(1);
        net.Isolate(1);
        net.Elect(2); // node 3 grants: without check-quorum there is no lease
        Assert.Equal(RaftRole.Leader, net.Nodes[2].Role);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role); // stale: it has not heard of term 2 yet
        Assert.Equal(1UL, net.Nodes[1].Term);

        net.Heal();
        net.Tick(2); // a heartbeat of term 2
        Assert.Equal(RaftRole.Follower, net.Nodes[1].Role);
        Assert.Equal(2UL, net.Nodes[1].Term);
        Assert.Equal(2UL, net.Nodes[1].Leader);
    }

    [Fact]
    public void A_stale_leader_learns_the_new_term_from_a_followers_reply_to_its_heartbeat()
    {
        var net = Network.Create([1, 2, 3], checkQuorum: false);
        net.Elect(1);
        net.Isolate(1);
        net.Elect(2);
        net.Heal();
        net.Tick(1); // the old leader heartbeats at term 1; followers answer with term 2
        Assert.Equal(RaftRole.Follower, net.Nodes[1].Role);
        Assert.Equal(2UL, net.Nodes[1].Term);
        Assert.Equal(RaftRole.Leader, net.Nodes[2].Role);
    }

    [Fact]
    public void Messages_from_an_older_term_are_ignored()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1), hardState: new HardState(3, 0, 0));
        follower.Step(Append(1, 2, 2, 2, 1, [E(3, 2)], commit: 3));
        Assert.Equal(2UL, follower.Node.LastIndex);
        Assert.Equal(0UL, follower.Node.Commit);
        Assert.Equal(0UL, follower.Node.Leader);
        Assert.Equal(3UL, follower.Node.Term);
    }

    [Fact]
    public void A_split_vote_is_resolved_by_a_new_election_in_a_later_term()
    {
        var net = Network.Create([1, 2, 3, 4], preVote: false);
        // 3 only hears 1 and 4 only hears 2: each candidate gets two votes of four.
        net.CutOneWay(1, 4);
        net.CutOneWay(2, 3);
        net.Nodes[1].Campaign();
        net.Nodes[2].Campaign();
        net.Settle();
        Assert.Null(net.Leader);
        Assert.Equal(RaftRole.Candidate, net.Nodes[1].Role);
        Assert.Equal(RaftRole.Candidate, net.Nodes[2].Role);
        Assert.Equal(1UL, net.Nodes[3].Vote);
        Assert.Equal(2UL, net.Nodes[4].Vote);

        net.Heal();
        for (var i = 0; i < 50 && net.Leader is null; i++) net.TickAll();
        var leader = net.Leader;
        Assert.NotNull(leader);
        Assert.True(leader.Term >= 2, $"leader elected in term {leader.Term}");
        Assert.All(net.Nodes.Values, n => Assert.Equal(leader.Id, n.Leader));
    }

    [Fact]
    public void At_most_one_leader_is_elected_per_term_while_nodes_time_out_freely()
    {
        var net = Network.Create([1, 2, 3, 4, 5], preVote: false, checkQuorum: false);
        var leaders = new Dictionary<ulong, ulong>();
        var rng = new Random(42);
        for (var round = 0; round < 300; round++)
        {
            // Now and then isolate someone for a while, so elections keep happening.
            if (round % 40 == 0) { net.Heal(); net.Isolate((ulong)rng.Next(1, 6)); }
            net.TickAll();
            foreach (var node in net.Nodes.Values.Where(n => n.Role == RaftRole.Leader))
            {
                if (leaders.TryGetValue(node.Term, out var existing)) Assert.Equal(existing, node.Id);
                else leaders[node.Term] = node.Id;
            }
        }
        Assert.True(leaders.Count >= 3, $"only {leaders.Count} terms had a leader");
    }
}
