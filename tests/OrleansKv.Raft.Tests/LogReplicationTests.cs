using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>AppendEntries (Raft §5.3): the consistency check, conflict resolution, and the leader's catch-up.</summary>
public class LogReplicationTests
{
    [Fact]
    public void A_follower_rejects_AppendEntries_whose_prevLogTerm_does_not_match()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 2), hardState: new HardState(2, 0, 0));
        var reply = Assert.Single(follower.Step(Append(1, 2, 3, 3, 3, [E(4, 3)])));
        Assert.Equal(MessageType.AppendEntriesResponse, reply.Type);
        Assert.True(reply.Reject);
        Assert.Equal(3UL, reply.Index); // the prevIndex it rejects
        Assert.Equal(3UL, follower.Node.LastIndex);
        Assert.Equal(2UL, follower.Node.GetEntries(3, 4)[0].Term);
    }

    [Fact]
    public void A_follower_rejects_AppendEntries_whose_prevLogIndex_is_beyond_its_log_and_hints_its_last_index()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 2), hardState: new HardState(2, 0, 0));
        var reply = Assert.Single(follower.Step(Append(1, 2, 2, 7, 2, [E(8, 2)])));
        Assert.True(reply.Reject);
        Assert.Equal(3UL, reply.RejectHint);
        Assert.Equal(2UL, reply.LogTerm);
    }

    [Fact]
    public void A_rejection_hints_the_last_entry_whose_term_is_not_after_the_leaders_prevLogTerm()
    {
        // Follower: terms 1 1 2 2 2 2; the leader probes at index 6 claiming term 3 there.
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 2, 2, 2, 2), hardState: new HardState(3, 0, 0));
        var reply = Assert.Single(follower.Step(Append(1, 2, 4, 6, 3)));
        Assert.True(reply.Reject);
        Assert.Equal(6UL, reply.RejectHint); // term 2 <= 3: the logs may match up to here
        Assert.Equal(2UL, reply.LogTerm);

        // Claiming term 1 at index 6 instead: every term-2 entry is skipped in one answer.
        var second = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 2, 2, 2, 2), hardState: new HardState(3, 0, 0));
        var reply2 = Assert.Single(second.Step(Append(1, 2, 4, 6, 1)));
        Assert.Equal(2UL, reply2.RejectHint);
        Assert.Equal(1UL, reply2.LogTerm);
    }

    [Fact]
    public void A_follower_deletes_a_conflicting_suffix_and_appends_the_leaders_entries()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 2, 2), hardState: new HardState(2, 0, 1));
        var reply = Assert.Single(follower.Step(Append(1, 2, 3, 2, 1, [E(3, 3, "x"), E(4, 3, "y"), E(5, 3, "z")])));
        Assert.False(reply.Reject);
        Assert.Equal(5UL, reply.Index);
        Assert.Equal(new ulong[] { 1, 1, 3, 3, 3 }, follower.Node.GetEntries(1, 6).Select(e => e.Term));
        Assert.Equal(5UL, follower.Storage.LastIndex);
        Assert.True(follower.Storage.TryGetTerm(3, out var term) && term == 3);
    }

    [Fact]
    public void A_follower_keeps_entries_that_match_even_if_the_AppendEntries_is_shorter_than_its_log()
    {
        // A delayed, shorter AppendEntries must not truncate entries that agree with the leader.
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 1), hardState: new HardState(1, 0, 0));
        var reply = Assert.Single(follower.Step(Append(1, 2, 1, 0, 0, [E(1, 1, "e1")])));
        Assert.False(reply.Reject);
        Assert.Equal(1UL, reply.Index);
        Assert.Equal(3UL, follower.Node.LastIndex);
        Assert.All(follower.Readies, r => Assert.Empty(r.Entries));
    }

    [Fact]
    public void A_follower_commits_up_to_the_lesser_of_the_leaders_commit_and_its_last_new_entry()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 1, 1), hardState: new HardState(1, 0, 0));
        // The follower holds 4 entries, but this message only vouches for the first 2.
        follower.Step(Append(1, 2, 1, 1, 1, [E(2, 1, "e2")], commit: 4));
        Assert.Equal(2UL, follower.Node.Commit);
        Assert.Equal(new ulong[] { 1, 2 }, follower.Applied.Select(e => e.Index));
    }

    [Fact]
    public void A_follower_answers_an_AppendEntries_before_its_commit_index_with_its_commit_index()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 1), hardState: new HardState(1, 0, 3));
        var reply = Assert.Single(follower.Step(Append(1, 2, 1, 1, 1, [E(2, 1, "e2")], commit: 3)));
        Assert.False(reply.Reject);
        Assert.Equal(3UL, reply.Index);
    }

    [Fact]
    public void The_rejection_hint_lets_the_leader_skip_a_whole_conflicting_term_in_one_round_trip()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1); // term 1, index 1
        net.Isolate(1);
        for (var i = 0; i < 50; i++) net.Nodes[1].Propose(B($"stale{i}")); // indexes 2..51, term 1, never committed
        net.Settle();
        Assert.Equal(51UL, net.Nodes[1].LastIndex);

        net.TickOnly(30, 2, 3); // 2 and 3 outlive their lease and elect a leader in term 2
        var first = net.LeaderAmong(2, 3)!;
        Assert.NotNull(first);
        Assert.Equal(2UL, first.Term);
        for (var i = 0; i < 20; i++) first.Propose(B($"new{i}")); // no-op at 2, then 3..22 in term 2
        net.Settle();
        var second = first.Id == 2 ? 3UL : 2UL;
        first.TransferLeadership(second); // the new leader probes node 1 from its last index (22) down
        net.Settle();
        var leader = net.Nodes[second];
        Assert.Equal(RaftRole.Leader, leader.Role);
        Assert.Equal(23UL, leader.LastIndex);

        net.Heal();
        var mark = net.Delivered.Count;
        net.Tick(second);
        var rejections = net.DeliveredSince(mark).Count(m => m.Type == MessageType.AppendEntriesResponse && m.From == 1 && m.Reject);
        // One index per round trip would need 21 rejections; skipping term 1 needs one.
        Assert.Equal(1, rejections);
        Assert.Equal(leader.LastIndex, net.Nodes[1].LastIndex);
        Assert.Equal(leader.GetEntries(1, 24).Select(e => e.Term), net.Nodes[1].GetEntries(1, 24).Select(e => e.Term));
        Assert.Equal(leader.Commit, net.Nodes[1].Commit);
        Assert.DoesNotContain(net.AppliedCommands(1), c => c.StartsWith("stale"));
    }

    [Fact]
    public void A_heartbeat_never_tells_a_follower_to_commit_beyond_what_it_is_known_to_hold()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 3);
        net.Propose(1, "a");
        net.Propose(1, "b");
        Assert.Equal(3UL, net.Nodes[1].Commit);
        net.Heal();
        var mark = net.Delivered.Count;
        net.Tick(1);
        var heartbeat = net.DeliveredSince(mark).First(m => m.Type == MessageType.Heartbeat && m.To == 3);
        Assert.Equal(1UL, heartbeat.Commit); // node 3 was only known to hold index 1
        Assert.Equal(3UL, net.Nodes[3].Commit); // and then it caught up
    }

    [Fact]
    public void A_deposed_leaders_uncommitted_entries_are_replaced_by_the_new_leaders_log()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Isolate(1);
        net.Propose(1, "lost1");
        net.Propose(1, "lost2");
        net.TickOnly(30, 2, 3);
        var leader = net.LeaderAmong(2, 3)!;
        Assert.NotNull(leader);
        net.Propose(leader.Id, "kept");
        net.Heal();
        net.TickAll(3);
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.Equal(leader.LastIndex, net.Nodes[id].LastIndex);
            Assert.Equal(["kept"], net.AppliedCommands(id));
        }
    }
}
