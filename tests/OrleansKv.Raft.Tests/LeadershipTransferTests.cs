using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>Leadership transfer (thesis §3.10): catch the target up, then TimeoutNow.</summary>
public class LeadershipTransferTests
{
    [Fact]
    public void Transfer_to_an_up_to_date_follower_sends_TimeoutNow_and_it_wins_the_next_term_without_a_pre_vote()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Propose(1, "x");
        var term = net.Nodes[1].Term;
        var mark = net.Delivered.Count;

        var result = net.Nodes[1].TransferLeadership(2);
        Assert.Equal(ProposalStatus.Accepted, result.Status);
        Assert.Equal(2UL, net.Nodes[1].LeadTransferee);
        net.Settle();

        var delivered = net.DeliveredSince(mark).ToList();
        Assert.Equal(MessageType.TimeoutNow, delivered[0].Type);
        Assert.Equal(2UL, delivered[0].To);
        Assert.DoesNotContain(delivered, m => m.Type == MessageType.RequestPreVote);
        Assert.Equal(RaftRole.Leader, net.Nodes[2].Role);
        Assert.Equal(term + 1, net.Nodes[2].Term);
        Assert.Equal(2UL, net.Nodes[1].Leader);
        Assert.Equal(2UL, net.Nodes[3].Leader);
        Assert.Equal(0UL, net.Nodes[1].LeadTransferee);
        Assert.Equal(ProposalStatus.Appended, net.Propose(2, "y").Status);
        Assert.Equal(["x", "y"], net.AppliedCommands(1));
    }

    [Fact]
    public void Transfer_to_a_lagging_follower_first_brings_its_log_up_to_date()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 3);
        for (var i = 0; i < 3; i++) net.Propose(1, $"c{i}");
        net.Heal();
        Assert.Equal(1UL, net.Nodes[3].LastIndex);
        var mark = net.Delivered.Count;

        net.Nodes[1].TransferLeadership(3);
        net.Settle();
        var delivered = net.DeliveredSince(mark).ToList();
        var timeoutNow = delivered.FindIndex(m => m.Type == MessageType.TimeoutNow);
        var caughtUp = delivered.FindIndex(m => m.Type == MessageType.AppendEntriesResponse && m.From == 3 && !m.Reject && m.Index == 4);
        Assert.True(caughtUp >= 0 && timeoutNow > caughtUp, "TimeoutNow must follow the target's catch-up");
        Assert.Equal(RaftRole.Leader, net.Nodes[3].Role);
        Assert.Equal(["c0", "c1", "c2"], net.AppliedCommands(3));
    }

    [Fact]
    public void Proposals_and_membership_changes_are_dropped_with_TransferInProgress_while_a_transfer_runs()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 3);
        net.Propose(1, "x");
        net.Hold(m => m.To == 3); // node 3 cannot catch up yet
        net.Heal();
        net.Nodes[1].TransferLeadership(3);
        net.Settle();
        Assert.Equal(3UL, net.Nodes[1].LeadTransferee);

        var proposal = net.Nodes[1].Propose(B("during"));
        Assert.Equal(ProposalStatus.Dropped, proposal.Status);
        Assert.Equal(DropReason.TransferInProgress, proposal.Reason);
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        Assert.Equal(DropReason.TransferInProgress, change.Reason);
        // A proposal forwarded by a follower meanwhile is not appended either.
        var lastIndex = net.Nodes[1].LastIndex;
        Assert.Equal(ProposalStatus.Forwarded, net.Nodes[2].Propose(B("forwarded")).Status);
        net.Settle();
        Assert.Equal(lastIndex, net.Nodes[1].LastIndex);

        net.StopHolding();
        net.Release();
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[3].Role);
        Assert.Equal(ProposalStatus.Appended, net.Propose(3, "after").Status);
        Assert.Equal(["x", "after"], net.AppliedCommands(2));
    }

    [Fact]
    public void A_transfer_to_an_unreachable_target_is_abandoned_after_an_election_timeout()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(3);
        Assert.Equal(ProposalStatus.Accepted, net.Nodes[1].TransferLeadership(3).Status);
        net.Settle();
        net.Tick(1, 9);
        Assert.Equal(3UL, net.Nodes[1].LeadTransferee);
        Assert.Equal(DropReason.TransferInProgress, net.Nodes[1].Propose(B("x")).Reason);

        net.Tick(1);
        Assert.Equal(0UL, net.Nodes[1].LeadTransferee);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(ProposalStatus.Appended, net.Propose(1, "y").Status);
        Assert.Equal(["y"], net.AppliedCommands(2));
    }

    [Fact]
    public void Transfer_to_a_learner_or_to_a_non_member_is_refused()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Add(4, Network.Options(4, Membership.Empty));
        net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        net.Settle();

        var toLearner = net.Nodes[1].TransferLeadership(4);
        Assert.Equal(ProposalStatus.Dropped, toLearner.Status);
        Assert.Equal(DropReason.InvalidTransferTarget, toLearner.Reason);
        Assert.Equal(DropReason.InvalidTransferTarget, net.Nodes[1].TransferLeadership(9).Reason);
        Assert.Equal(0UL, net.Nodes[1].LeadTransferee);
        Assert.Equal(ProposalStatus.Appended, net.Nodes[1].Propose(B("still fine")).Status);
    }

    [Fact]
    public void A_follower_forwards_a_transfer_request_to_the_leader()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var result = net.Nodes[3].TransferLeadership(3);
        Assert.Equal(ProposalStatus.Forwarded, result.Status);
        Assert.Equal(1UL, result.Leader);
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[3].Role);
        Assert.Equal(2UL, net.Nodes[3].Term);
    }

    [Fact]
    public void Transfer_to_the_current_leader_itself_changes_nothing()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        Assert.Equal(ProposalStatus.Accepted, net.Nodes[1].TransferLeadership(1).Status);
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(1UL, net.Nodes[1].Term);
        Assert.Equal(0UL, net.Nodes[1].LeadTransferee);
    }

    [Fact]
    public void Transfer_with_no_leader_known_is_refused()
    {
        var net = new Network(1, 2, 3);
        Assert.Equal(DropReason.NoLeader, net.Nodes[2].TransferLeadership(3).Reason);
    }
}
