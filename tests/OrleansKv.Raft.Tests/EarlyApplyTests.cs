using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// A leader's shell applies what commits while its Ready is outstanding (RaftNode.TakeEarlyApply):
/// only entries the local log will hold once that Ready is durable, each handed out once, and
/// never at a node that is not leading.
/// </summary>
public class EarlyApplyTests
{
    // Node 1 leads {1,2,3} in term 1 with its empty entry (index 1) committed and applied.
    private static Solo Leader()
    {
        var solo = Solo.Create(1, [1, 2, 3], preVote: false);
        solo.Node.Campaign();
        solo.Drain();
        solo.Step(new Message { Type = MessageType.RequestVoteResponse, From = 2, To = 1, Term = 1 });
        Ack(solo, from: 2, index: 1);
        solo.Drain();
        Assert.Equal(RaftRole.Leader, solo.Node.Role);
        Assert.Equal(1UL, solo.Node.Applied);
        return solo;
    }

    private static void Ack(Solo solo, ulong from, ulong index) =>
        solo.Node.Step(new Message { Type = MessageType.AppendEntriesResponse, From = from, To = 1, Term = 1, Index = index });

    [Fact]
    public void Entries_a_quorum_of_followers_acknowledges_are_applied_before_the_leaders_own_write_completes()
    {
        var solo = Leader();
        solo.Node.Propose(B("a"));
        var outstanding = solo.Node.GetReady();
        Assert.Equal([2UL], outstanding.Entries.Select(e => e.Index));
        Assert.False(solo.Node.HasEarlyApply);

        Ack(solo, from: 2, index: 2);
        Ack(solo, from: 3, index: 2);

        Assert.True(solo.Node.HasEarlyApply);
        var early = solo.Node.TakeEarlyApply();
        Assert.Equal(["a"], early.CommittedEntries.Select(e => S(e.Data)));
        Assert.Equal(2UL, solo.Node.Applied);
        Assert.False(solo.Node.HasEarlyApply);

        solo.Storage.Append(outstanding.Entries);
        solo.Node.Advance(outstanding);
        Assert.Equal(2UL, solo.Node.Applied);
        solo.Drain();
        Assert.DoesNotContain(solo.Applied, e => e.Index == 2); // not handed out a second time
    }

    [Fact]
    public void Entries_proposed_after_the_outstanding_Ready_wait_for_a_Ready_that_persists_them_even_when_committed()
    {
        var solo = Leader();
        solo.Node.Propose(B("a"));
        var outstanding = solo.Node.GetReady();
        solo.Node.Propose(B("b")); // index 3: in no Ready yet, so not on the local disk soon
        Ack(solo, from: 2, index: 3);
        Ack(solo, from: 3, index: 3);
        Assert.Equal(3UL, solo.Node.Commit);

        var early = solo.Node.TakeEarlyApply();
        Assert.Equal([2UL], early.CommittedEntries.Select(e => e.Index));
        Assert.False(solo.Node.HasEarlyApply);

        solo.Storage.Append(outstanding.Entries);
        solo.Node.Advance(outstanding);
        var next = solo.Node.GetReady();
        Assert.Equal([3UL], next.Entries.Select(e => e.Index));
        Assert.Equal([3UL], next.CommittedEntries.Select(e => e.Index));
    }

    [Fact]
    public void Reads_confirmed_while_a_Ready_is_outstanding_are_handed_out_early()
    {
        var solo = Leader();
        solo.Node.ReadIndex(B("r1"));
        var outstanding = solo.Node.GetReady();
        var heartbeat = outstanding.Messages.First(m => m.Type == MessageType.Heartbeat);
        solo.Node.Step(new Message { Type = MessageType.HeartbeatResponse, From = 2, To = 1, Term = 1, Context = heartbeat.Context });

        var early = solo.Node.TakeEarlyApply();
        Assert.Equal(["r1"], early.ReadStates.Select(r => S(r.Context)));
        Assert.Equal(1UL, early.ReadStates[0].Index);
        Assert.Empty(early.CommittedEntries);
        solo.Node.Advance(outstanding);
        solo.Drain();
        Assert.Empty(solo.ReadStates); // not handed out a second time
    }

    [Fact]
    public void A_follower_applies_nothing_early_however_far_its_commit_index_moves()
    {
        var solo = Solo.Create(2, [1, 2, 3]);
        solo.Node.Step(Append(1, 2, 1, 0, 0, [E(1, 1, "a"), E(2, 1, "b")]));
        var outstanding = solo.Node.GetReady();
        solo.Node.Step(Heartbeat(1, 2, 1, commit: 2));
        Assert.Equal(2UL, solo.Node.Commit);
        Assert.False(solo.Node.HasEarlyApply);
        Assert.Throws<InvalidOperationException>(() => solo.Node.TakeEarlyApply());
        solo.Storage.Append(outstanding.Entries);
        solo.Node.Advance(outstanding);
        solo.Drain();
        Assert.Equal([1UL, 2UL], solo.Applied.Select(e => e.Index));
    }

    [Fact]
    public void A_leader_that_stepped_down_while_its_Ready_was_outstanding_applies_nothing_early()
    {
        var solo = Leader();
        solo.Node.Propose(B("a"));
        var outstanding = solo.Node.GetReady();
        Ack(solo, from: 2, index: 2);
        solo.Node.Step(new Message { Type = MessageType.AppendEntries, From = 3, To = 1, Term = 2, Index = 2, LogTerm = 1 });
        Assert.Equal(RaftRole.Follower, solo.Node.Role);
        Assert.False(solo.Node.HasEarlyApply);
        solo.Storage.Append(outstanding.Entries);
        solo.Node.Advance(outstanding);
    }

    [Fact]
    public void Nothing_is_applied_early_when_no_Ready_is_outstanding()
    {
        var solo = Leader();
        solo.Node.Propose(B("a"));
        solo.Drain();
        Ack(solo, from: 2, index: 2);
        Assert.False(solo.Node.HasEarlyApply);
        Assert.True(solo.Node.HasReady);
    }
}
