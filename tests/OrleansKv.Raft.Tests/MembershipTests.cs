using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// Membership changes one server at a time (thesis §4.1, §4.2) and learners: a membership takes
/// effect when appended, only one change may be uncommitted, and a new leader must first commit
/// an entry of its own term.
/// </summary>
public class MembershipTests
{
    private static readonly Membership Three = Membership.OfVoters(1, 2, 3);

    private static Network ClusterWithLearner4()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Propose(1, "a");
        net.Add(4, Network.Options(4, Membership.Empty));
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        Assert.Equal(ProposalStatus.Appended, change.Status);
        net.Settle();
        return net;
    }

    [Fact]
    public void A_new_learner_receives_the_whole_log_and_learns_its_membership_from_it()
    {
        var net = ClusterWithLearner4();
        var learner = net.Nodes[4];
        Assert.Equal(net.Nodes[1].LastIndex, learner.LastIndex);
        Assert.Equal(net.Nodes[1].Commit, learner.Commit);
        Assert.Equal(["a"], net.AppliedCommands(4));
        Assert.Equal(new Membership([1, 2, 3], [4]), learner.CurrentMembership);
        Assert.False(learner.IsPromotable);
        Assert.True(net.Nodes[1].Progress[4].IsLearner);
    }

    [Fact]
    public void A_learner_does_not_count_toward_the_commit_quorum()
    {
        var net = ClusterWithLearner4();
        var commit = net.Nodes[1].Commit;
        net.Cut(1, 2);
        net.Cut(1, 3);
        net.Propose(1, "b");
        Assert.Equal(net.Nodes[1].LastIndex, net.Nodes[4].LastIndex); // the learner has it...
        Assert.Equal(net.Nodes[1].LastIndex, net.Nodes[1].Progress[4].Match);
        Assert.Equal(commit, net.Nodes[1].Commit); // ...but leader + learner are not a majority of voters
    }

    [Fact]
    public void A_learner_is_never_asked_for_a_vote_and_never_campaigns()
    {
        var net = ClusterWithLearner4();
        net.Isolate(1);
        net.TickAll(60);
        var leader = net.LeaderAmong(2, 3);
        Assert.NotNull(leader);
        Assert.DoesNotContain(net.Delivered, m => m.To == 4 && m.Type is MessageType.RequestVote or MessageType.RequestPreVote);
        Assert.DoesNotContain(net.Delivered, m => m.From == 4 && m.Type is MessageType.RequestVote or MessageType.RequestPreVote);
        Assert.Equal(RaftRole.Follower, net.Nodes[4].Role);
        Assert.Equal(leader.Id, net.Nodes[4].Leader);
    }

    [Fact]
    public void A_learner_promoted_to_voter_counts_toward_commit()
    {
        var net = ClusterWithLearner4();
        var promote = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddVoter(4));
        Assert.Equal(ProposalStatus.Appended, promote.Status);
        net.Settle();
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Nodes[1].CurrentMembership);
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Nodes[4].CurrentMembership);
        Assert.False(net.Nodes[1].Progress[4].IsLearner);
        Assert.True(net.Nodes[4].IsPromotable);

        // Four voters need three: 1, 3 and the new voter 4.
        net.Cut(1, 2);
        net.Propose(1, "b");
        Assert.Equal(net.Nodes[1].LastIndex, net.Nodes[1].Commit);
        net.Cut(1, 3);
        net.Propose(1, "c");
        Assert.Equal(net.Nodes[1].LastIndex - 1, net.Nodes[1].Commit); // 1 and 4 are two of four
    }

    [Fact]
    public void Adding_a_voter_raises_the_quorum_as_soon_as_the_change_is_appended()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Add(4, Network.Options(4, Membership.Empty));
        net.Cut(1, 2);
        // Appended: the leader now counts four voters, so 1 + 3 (two) no longer commit even the change itself.
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddVoter(4));
        net.Cut(1, 4);
        net.Settle();
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Nodes[1].CurrentMembership);
        Assert.Equal(change.FirstIndex - 1, net.Nodes[1].Commit);

        net.Heal();
        net.Tick(1);
        Assert.Equal(change.FirstIndex, net.Nodes[1].Commit);
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Nodes[4].CurrentMembership);
    }

    [Fact]
    public void A_membership_takes_effect_on_a_follower_when_appended_before_it_is_committed()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.AppendEntriesResponse && m.To == 1);
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        net.Settle();
        Assert.True(net.Nodes[2].Commit < change.FirstIndex);
        Assert.Equal(new Membership([1, 2, 3], [4]), net.Nodes[2].CurrentMembership);
        Assert.Equal(Three, net.Nodes[2].MembershipAt(change.FirstIndex - 1));
    }

    [Fact]
    public void Removing_a_voter_shrinks_the_quorum_and_the_removed_node_cannot_disturb_the_cluster()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.Remove(3));
        Assert.Equal(ProposalStatus.Appended, change.Status);
        net.Settle();
        Assert.Equal(Membership.OfVoters(1, 2), net.Nodes[1].CurrentMembership);
        Assert.False(net.Nodes[1].Progress.ContainsKey(3));
        Assert.Equal(change.FirstIndex, net.Nodes[1].Commit);

        var term = net.Nodes[1].Term;
        net.TickAll(100); // node 3 hears nothing more and keeps trying to campaign
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(term, net.Nodes[1].Term);
        Assert.Equal(term, net.Nodes[2].Term);
        net.Propose(1, "x");
        Assert.Equal(["x"], net.AppliedCommands(2));
    }

    [Fact]
    public void A_voter_can_be_demoted_to_learner()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(3));
        net.Settle();
        Assert.Equal(new Membership([1, 2], [3]), net.Nodes[3].CurrentMembership);
        Assert.False(net.Nodes[3].IsPromotable);
        net.Cut(1, 2);
        net.Propose(1, "x");
        Assert.Equal(net.Nodes[1].LastIndex - 1, net.Nodes[1].Commit); // 1 and learner 3 are not a majority of {1, 2}
    }

    [Fact]
    public void A_second_membership_change_is_refused_while_the_first_is_uncommitted()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 2);
        net.Cut(1, 3);
        Assert.Equal(ProposalStatus.Appended, net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4)).Status);
        var second = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(5));
        Assert.Equal(ProposalStatus.Dropped, second.Status);
        Assert.Equal(DropReason.MembershipChangePending, second.Reason);

        net.Heal();
        net.Tick(1);
        Assert.Equal(ProposalStatus.Appended, net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(5)).Status);
    }

    [Fact]
    public void A_new_leader_refuses_membership_changes_until_it_has_committed_an_entry_of_its_term()
    {
        var net = new Network(1, 2, 3);
        net.Hold(m => m.From == 1 && m.Type == MessageType.AppendEntries);
        net.Elect(1);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        var early = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        Assert.Equal(ProposalStatus.Dropped, early.Status);
        Assert.Equal(DropReason.LeaderNotReady, early.Reason);

        net.StopHolding();
        net.Release();
        net.Settle();
        Assert.Equal(ProposalStatus.Appended, net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4)).Status);
    }

    [Fact]
    public void An_invalid_membership_change_is_refused_with_a_reason()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var addExisting = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddVoter(2));
        Assert.Equal(DropReason.InvalidMembershipChange, addExisting.Reason);
        Assert.NotNull(addExisting.Detail);
        Assert.Equal(DropReason.InvalidMembershipChange, net.Nodes[1].ProposeMembershipChange(MembershipChange.Remove(9)).Reason);

        var single = Solo.Create(1, [1]);
        single.Node.Campaign();
        single.Drain();
        Assert.Equal(DropReason.InvalidMembershipChange, single.Node.ProposeMembershipChange(MembershipChange.Remove(1)).Reason);
    }

    [Fact]
    public void A_leader_that_removes_itself_does_not_count_its_own_copy_and_steps_down_once_the_removal_commits()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Hold(m => m.Type == MessageType.AppendEntriesResponse && m.To == 1);
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.Remove(1));
        Assert.Equal(ProposalStatus.Appended, change.Status);
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role); // leads until the removal commits

        net.ReleaseFirst(m => m.From == 2 && m.Index == change.FirstIndex);
        net.Settle();
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role); // 2 alone is not a majority of {2, 3}, and 1 does not count
        Assert.True(net.Nodes[1].Commit < change.FirstIndex);

        net.StopHolding();
        net.Release();
        net.Settle();
        Assert.Equal(RaftRole.Follower, net.Nodes[1].Role);
        Assert.Equal(change.FirstIndex, net.Nodes[2].Commit); // it told the others before stepping down
        Assert.Equal(change.FirstIndex, net.Nodes[3].Commit);

        var mark = net.Delivered.Count;
        net.TickAll(60);
        var leader = net.LeaderAmong(2, 3);
        Assert.NotNull(leader);
        Assert.DoesNotContain(net.DeliveredSince(mark), m => m.From == 1 || m.To == 1);
        Assert.NotEqual(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(ProposalStatus.Appended, net.Propose(leader.Id, "x").Status);
        Assert.Equal(["x"], net.AppliedCommands(leader.Id == 2 ? 3UL : 2UL));
    }

    [Fact]
    public void A_node_dropped_by_an_uncommitted_membership_still_campaigns_when_the_previous_membership_needs_it()
    {
        // Two voters; the leader demotes itself, but node 2 never hears of it and the leader restarts.
        // Node 2 (membership {1,2}) needs node 1's vote, which node 1 refuses (its log is longer);
        // node 1's latest membership makes it a learner. Unless node 1 may still campaign (thesis
        // §4.2.2), neither can ever become leader.
        var net = new Network(1, 2);
        net.Elect(1);
        net.Propose(1, "a");
        net.Cut(1, 2);
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(1));
        Assert.Equal(ProposalStatus.Appended, change.Status);
        net.Settle();
        net.Restart(1);
        Assert.Equal(new Membership([2], [1]), net.Nodes[1].CurrentMembership);
        Assert.Equal(Membership.OfVoters(1, 2), net.Nodes[2].CurrentMembership);
        Assert.True(net.Nodes[1].IsPromotable);

        net.Heal();
        for (var i = 0; i < 200 && !(net.Nodes[2].Role == RaftRole.Leader && net.Nodes[2].Commit >= change.FirstIndex); i++) net.TickAll();
        Assert.Equal(RaftRole.Leader, net.Nodes[2].Role);
        Assert.Equal(new Membership([2], [1]), net.Nodes[2].CurrentMembership);
        Assert.True(net.Nodes[1].Commit >= change.FirstIndex);
        Assert.False(net.Nodes[1].IsPromotable); // the demotion is committed: now it is only a learner
        Assert.Equal(ProposalStatus.Appended, net.Propose(2, "b").Status);
        Assert.Equal(["a", "b"], net.AppliedCommands(1));
    }

    [Fact]
    public void A_learner_with_a_higher_term_than_the_leader_tells_it_so_even_without_pre_vote_or_check_quorum()
    {
        // Without pre-vote and check-quorum a node ignores messages of an older term, counting on its
        // own campaigns to spread its term. A learner never campaigns, so it must answer instead, or it
        // would never hear from the leader again. (Its term can run ahead, e.g. from a vote request
        // sent by a node that did not yet know it had been demoted.)
        var withLearner = new Membership([1, 2], [3]);
        var net = new Network(withLearner, [1, 2, 3], id => Network.Options(id, withLearner, preVote: false, checkQuorum: false));
        net.Elect(1);
        net.Propose(1, "a");
        net.Storage[3].SetHardState(new HardState(9, 0, net.Storage[3].HardState.Commit));
        net.Restart(3);

        var reply = Assert.Single(net.Drain(3).Concat(StepAndDrain(net, 3, Msg.Heartbeat(1, 3, 1))));
        Assert.Equal(MessageType.AppendEntriesResponse, reply.Type);
        Assert.Equal(9UL, reply.Term);

        net.TickAll(60);
        var leader = net.LeaderAmong(1, 2);
        Assert.NotNull(leader);
        Assert.True(leader.Term > 9);
        net.Propose(leader.Id, "b");
        Assert.Equal(["a", "b"], net.AppliedCommands(3));
    }

    private static List<Message> StepAndDrain(Network net, ulong id, Message m)
    {
        net.Nodes[id].Step(m);
        return net.Drain(id);
    }

    [Fact]
    public void An_uncommitted_membership_entry_that_is_overwritten_reverts_the_membership()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(1);
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddVoter(4));
        Assert.Equal(ProposalStatus.Appended, change.Status);
        net.Settle();
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Nodes[1].CurrentMembership);

        net.TickOnly(30, 2, 3);
        var leader = net.LeaderAmong(2, 3)!;
        Assert.NotNull(leader);
        net.Propose(leader.Id, "b");
        net.Heal();
        net.TickAll(3);
        var old = net.Nodes[1];
        Assert.Equal(RaftRole.Follower, old.Role);
        Assert.Equal(Three, old.CurrentMembership);
        Assert.Equal(Three, old.MembershipAt(change.FirstIndex));
        Assert.Equal(EntryType.Normal, old.GetEntries(change.FirstIndex, change.FirstIndex + 1)[0].Type);
        Assert.Equal(["b"], net.AppliedCommands(1));
    }

    [Fact]
    public void A_restarted_node_restores_its_membership_from_its_snapshot_and_the_log_after_it()
    {
        var net = ClusterWithLearner4();
        var snapshotIndex = net.Nodes[2].Applied;
        net.Storage[2].CreateSnapshot(snapshotIndex, net.Nodes[2].MembershipAt(snapshotIndex), B("state"));
        net.Storage[2].Compact(snapshotIndex);
        Assert.Equal(ProposalStatus.Appended, net.Nodes[1].ProposeMembershipChange(MembershipChange.AddVoter(4)).Status);
        net.Settle();
        net.Propose(1, "y");

        var restarted = net.Restart(2);
        Assert.Equal(snapshotIndex + 1, restarted.FirstIndex);
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), restarted.CurrentMembership);
        Assert.Equal(new Membership([1, 2, 3], [4]), restarted.MembershipAt(snapshotIndex));

        // Compacted right up to the end: the snapshot alone gives the membership.
        var lastIndex = net.Nodes[3].Applied;
        net.Storage[3].CreateSnapshot(lastIndex, net.Nodes[3].MembershipAt(lastIndex), B("state"));
        net.Storage[3].Compact(lastIndex);
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Restart(3).CurrentMembership);

        // No snapshot at all: the membership entries in the log override the bootstrap membership.
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), net.Restart(1).CurrentMembership);
    }
}
