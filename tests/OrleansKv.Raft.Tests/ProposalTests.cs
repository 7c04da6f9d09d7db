using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>What happens to a proposal: appended, forwarded, or dropped with a typed reason, never silently lost.</summary>
public class ProposalTests
{
    [Fact]
    public void A_proposal_with_no_leader_known_is_dropped_with_NoLeader()
    {
        var net = new Network(1, 2, 3);
        var result = net.Nodes[2].Propose(B("x"));
        Assert.Equal(ProposalStatus.Dropped, result.Status);
        Assert.Equal(DropReason.NoLeader, result.Reason);
        Assert.True(result.IsDropped);

        // A candidate knows no leader either.
        var candidate = Solo.Create(1, [1, 2, 3], preVote: false);
        candidate.Node.Campaign();
        Assert.Equal(DropReason.NoLeader, candidate.Node.Propose(B("x")).Reason);
    }

    [Fact]
    public void A_leaders_proposal_reports_the_term_and_indexes_it_was_appended_at()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var result = net.Nodes[1].Propose([B("a"), B("b"), B("c")]);
        Assert.Equal(ProposalStatus.Appended, result.Status);
        Assert.Equal((1UL, 2UL, 4UL, 1UL), (result.Term, result.FirstIndex, result.LastIndex, result.Leader));
        net.Settle();
        Assert.Equal(["a", "b", "c"], net.AppliedCommands(3));
        Assert.Equal(new ulong[] { 2, 3, 4 }, net.Applied[3].Where(e => e.Data.Length > 0).Select(e => e.Index));
    }

    [Fact]
    public void A_follower_forwards_a_proposal_to_the_leader_which_appends_and_commits_it()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var result = net.Nodes[2].Propose(B("via-2"));
        Assert.Equal(ProposalStatus.Forwarded, result.Status);
        Assert.Equal(1UL, result.Leader);
        net.Settle();
        Assert.Contains(net.Delivered, m => m.Type == MessageType.Propose && m.From == 2 && m.To == 1 && m.Term == 0);
        foreach (var id in new ulong[] { 1, 2, 3 }) Assert.Equal(["via-2"], net.AppliedCommands(id));
    }

    [Fact]
    public void With_forwarding_disabled_a_follower_refuses_with_NotLeader_and_names_the_leader()
    {
        var net = Network.Create([1, 2, 3], disableForwarding: true);
        net.Elect(1);
        var result = net.Nodes[2].Propose(B("x"));
        Assert.Equal(ProposalStatus.Dropped, result.Status);
        Assert.Equal(DropReason.NotLeader, result.Reason);
        Assert.Equal(1UL, result.Leader);
        net.Settle();
        Assert.DoesNotContain(net.Delivered, m => m.Type == MessageType.Propose);
    }

    [Fact]
    public void A_membership_change_proposed_on_a_follower_is_refused()
    {
        var net = new Network(1, 2, 3);
        Assert.Equal(DropReason.NoLeader, net.Nodes[2].ProposeMembershipChange(MembershipChange.AddLearner(4)).Reason);
        net.Elect(1);
        var result = net.Nodes[2].ProposeMembershipChange(MembershipChange.AddLearner(4));
        Assert.Equal(ProposalStatus.Dropped, result.Status);
        Assert.Equal(DropReason.NotLeader, result.Reason);
        Assert.Equal(1UL, result.Leader);
    }

    [Fact]
    public void A_forwarded_membership_entry_is_never_appended_by_the_leader()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var last = net.Nodes[1].LastIndex;
        var bogus = new Entry(0, 0, EntryType.Membership, Membership.OfVoters(1).Encode());
        net.Nodes[1].Step(new Message { Type = MessageType.Propose, From = 2, To = 1, Entries = [bogus] });
        net.Settle();
        Assert.Equal(last, net.Nodes[1].LastIndex);
        Assert.Equal(Membership.OfVoters(1, 2, 3), net.Nodes[1].CurrentMembership);
    }

    [Fact]
    public void A_proposal_forwarded_to_a_node_that_is_no_longer_leader_is_dropped_not_bounced()
    {
        var follower = Solo.Create(2, [1, 2, 3]);
        follower.Step(Heartbeat(1, 2, 1));
        var sent = follower.Step(new Message { Type = MessageType.Propose, From = 3, To = 2, Entries = [E(0, 0, "x")] });
        Assert.Empty(sent);
        Assert.Equal(0UL, follower.Node.LastIndex);
    }

    [Fact]
    public void A_leader_that_has_removed_itself_refuses_new_proposals_with_NotMember()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.AppendEntriesResponse && m.To == 1);
        net.Nodes[1].ProposeMembershipChange(MembershipChange.Remove(1));
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        var result = net.Nodes[1].Propose(B("x"));
        Assert.Equal(ProposalStatus.Dropped, result.Status);
        Assert.Equal(DropReason.NotMember, result.Reason);
    }

    [Fact]
    public void An_appended_proposal_lost_with_its_leaders_term_is_replaced_at_its_index_by_another_term()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(1);
        var lost = net.Nodes[1].Propose(B("lost"));
        Assert.Equal(ProposalStatus.Appended, lost.Status);
        net.Settle();
        net.TickOnly(30, 2, 3);
        net.Heal();
        net.TickAll(3);
        // A client holding (term, index) can tell: the entry at that index now has another term.
        foreach (var node in net.Nodes.Values)
        {
            Assert.True(node.TryGetTerm(lost.FirstIndex, out var term));
            Assert.NotEqual(lost.Term, term);
            Assert.DoesNotContain("lost", net.AppliedCommands(node.Id));
        }
    }

    [Fact]
    public void Proposing_nothing_is_a_programming_error()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        Assert.Throws<ArgumentException>(() => net.Nodes[1].Propose(Array.Empty<byte[]>()));
    }
}
