using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>
/// When an entry is committed (Raft §5.3, §5.4.2): a majority of durable copies, counted only for
/// entries of the leader's own term, and the leader's own copy only once it is durable.
/// </summary>
public class CommitTests
{
    /// <summary>
    /// Figure 8 of the Raft paper, steps (a) to (c): S1 (term 3 here) replicates its old term-1
    /// entry at index 2 to a majority (S1, S2, S3) while its own term-3 entry at index 3 reaches
    /// only S1 and S2. Index 2 must not be committed.
    /// </summary>
    private static Network Figure8UpToC(Func<bool> blockIndex3ToS3)
    {
        // One entry per message, so entries 2 and 3 travel separately; no pre-vote or lease, so
        // elections can be forced as in the paper.
        var net = Network.Create([1, 2, 3, 4, 5], preVote: false, checkQuorum: false, maxBytesPerMessage: 1);
        net.Elect(1);
        Assert.Equal(1UL, net.Nodes[1].Commit);

        // (a) S1 leads term 1 and gets index 2 onto S2 only.
        net.Cut(1, 3); net.Cut(1, 4); net.Cut(1, 5);
        net.Propose(1, "a");
        Assert.Equal(1UL, net.Nodes[1].Commit);
        Assert.Equal(2UL, net.Nodes[2].LastIndex);

        // (b) S1 crashes; S5 wins term 2 with S3 and S4 and writes its own index 2, on S5 only.
        net.Heal();
        net.Isolate(1);
        net.DropIf(m => m.From == 5 && m.Type == MessageType.AppendEntries);
        net.Elect(5);
        Assert.Equal(RaftRole.Leader, net.Nodes[5].Role);
        Assert.Equal(2UL, net.Nodes[5].Term);
        Assert.True(net.Nodes[5].TryGetTerm(2, out var t5) && t5 == 2);

        // (c) S5 crashes; S1 restarts and wins term 3 with S2 and S3 (S3 refused it in term 2,
        // having voted for S5). It sends index 2 to S3, but its term-3 no-op at index 3 does not get there.
        net.Heal();
        net.Isolate(5);
        net.Cut(1, 4);
        net.Restart(1);
        net.Restart(5);
        net.DropIf(m => blockIndex3ToS3() && m.From == 1 && m.To == 3 && m.Type == MessageType.AppendEntries &&
                        m.Entries.Any(e => e.Index >= 3) && net.Nodes[3].LastIndex >= 2);
        net.Elect(1);
        Assert.Equal(RaftRole.Candidate, net.Nodes[1].Role); // term 2: S3 and S4 already voted
        net.Elect(1);
        Assert.Equal(RaftRole.Leader, net.Nodes[1].Role);
        Assert.Equal(3UL, net.Nodes[1].Term);
        return net;
    }

    [Fact]
    public void Figure8_an_entry_from_an_earlier_term_on_a_majority_is_not_committed_by_counting_replicas()
    {
        var net = Figure8UpToC(() => true);
        var s1 = net.Nodes[1];
        foreach (var id in new ulong[] { 1, 2, 3 })
            Assert.True(net.Nodes[id].TryGetTerm(2, out var term) && term == 1, $"S{id} should hold the term-1 entry at index 2");
        Assert.Equal(2UL, s1.Progress[3].Match);
        Assert.Equal(3UL, s1.Progress[2].Match);
        Assert.Equal(1UL, s1.Commit); // a majority holds index 2, but it is from term 1

        // (d) S1 crashes again; S5 can now win (its last term 2 beats the others' term 1 at index 2)
        // and overwrite index 2 everywhere: this is why committing it would have been wrong.
        net.Heal();
        net.Isolate(1);
        net.Restart(5);
        net.Elect(5);
        net.Elect(5);
        Assert.Equal(RaftRole.Leader, net.Nodes[5].Role);
        net.Propose(5, "b");
        foreach (var id in new ulong[] { 2, 3, 4, 5 })
        {
            Assert.True(net.Nodes[id].TryGetTerm(2, out var term) && term == 2, $"S{id} index 2 should be S5's term-2 entry");
            Assert.DoesNotContain("a", net.AppliedCommands(id));
            Assert.Contains("b", net.AppliedCommands(id));
        }
    }

    [Fact]
    public void Figure8_an_earlier_term_entry_is_committed_once_an_entry_of_the_current_term_reaches_a_majority()
    {
        var blocked = true;
        var net = Figure8UpToC(() => blocked);
        Assert.Equal(1UL, net.Nodes[1].Commit);

        // (e) S1's term-3 entry reaches S3 as well: index 3, and with it index 2, commit.
        blocked = false;
        net.Tick(1);
        Assert.Equal(3UL, net.Nodes[1].Commit);
        Assert.Equal(["a"], net.AppliedCommands(1));

        // Now S5 can never win: a majority holds a log more up to date than its own.
        net.Heal();
        net.Isolate(1);
        net.Restart(5);
        for (var i = 0; i < 5; i++) net.Elect(5);
        Assert.NotEqual(RaftRole.Leader, net.Nodes[5].Role);
        Assert.All(new ulong[] { 2, 3 }, id => Assert.True(net.Nodes[id].TryGetTerm(2, out var term) && term == 1));
    }

    [Fact]
    public void A_new_leader_commits_entries_of_earlier_terms_by_committing_its_own_no_op()
    {
        // Node 2 holds an uncommitted term-1 entry; when it leads term 2, that entry commits with the no-op.
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 3);
        net.Hold(m => m.Type is MessageType.AppendEntriesResponse && m.From == 2);
        net.Propose(1, "old");
        Assert.Equal(2UL, net.Nodes[2].LastIndex);
        Assert.Equal(1UL, net.Nodes[1].Commit);
        net.StopHolding();
        net.Held.Clear();

        net.Heal();
        net.Isolate(1);
        net.TickOnly(30, 2, 3);
        var leader = net.LeaderAmong(2, 3);
        Assert.NotNull(leader);
        Assert.Equal(2UL, leader.Id); // node 3's log is behind: it cannot win
        Assert.Equal(3UL, leader.Commit);
        Assert.True(leader.TryGetTerm(3, out var noOpTerm) && noOpTerm == leader.Term);
        Assert.Equal(["old"], net.AppliedCommands(3));
    }

    [Fact]
    public void A_single_node_leader_commits_its_entries_only_after_Advance()
    {
        var solo = Solo.Create(1, [1]);
        var node = solo.Node;
        node.Campaign();
        Assert.Equal(RaftRole.Leader, node.Role);
        Assert.Equal(0UL, node.Commit);

        var ready = node.GetReady();
        Assert.Single(ready.Entries);
        Assert.Empty(ready.CommittedEntries);
        Assert.Equal(0UL, node.Commit); // not durable yet, so not counted
        solo.Storage.Append(ready.Entries);
        solo.Storage.SetHardState(ready.HardState!.Value);
        node.Advance(ready);
        Assert.Equal(1UL, node.Commit);

        Assert.Equal(ProposalStatus.Appended, node.Propose(B("x")).Status);
        Assert.Equal(1UL, node.Commit);
        var next = node.GetReady();
        Assert.Equal(1UL, next.HardState!.Value.Commit);
        Assert.Equal(new ulong[] { 1 }, next.CommittedEntries.Select(e => e.Index));
        Assert.Equal(new ulong[] { 2 }, next.Entries.Select(e => e.Index));
        solo.Storage.Append(next.Entries);
        node.Advance(next);
        Assert.Equal(2UL, node.Commit);
        var last = node.GetReady();
        Assert.Equal(["x"], last.CommittedEntries.Select(e => S(e.Data)));
        node.Advance(last);
    }

    [Fact]
    public void A_leader_cut_off_from_both_followers_commits_nothing()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 2);
        net.Cut(1, 3);
        net.Propose(1, "x");
        net.Propose(1, "y");
        Assert.Equal(3UL, net.Nodes[1].LastIndex);
        Assert.Equal(1UL, net.Nodes[1].Commit);
        Assert.Empty(net.AppliedCommands(1));
    }

    [Fact]
    public void A_leader_does_not_count_its_own_copy_before_Advance_even_when_a_follower_has_acked()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 3);
        var leader = net.Nodes[1];
        leader.Propose(B("x"));
        var ready = leader.GetReady(); // the leader's write is still "in progress"
        var append = Assert.Single(ready.Messages, m => m.To == 2 && m.Type == MessageType.AppendEntries);

        net.Nodes[2].Step(append);
        var ack = Assert.Single(net.Drain(2));
        Assert.False(ack.Reject);
        leader.Step(ack);
        Assert.Equal(1UL, leader.Commit); // follower 2 alone is not a majority of three

        net.Persist(1, ready);
        leader.Advance(ready);
        Assert.Equal(2UL, leader.Commit); // now the leader's durable copy counts
    }

    [Fact]
    public void Followers_learn_the_commit_index_from_the_leaders_next_message()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var mark = net.Delivered.Count;
        net.Propose(1, "x");
        // The first AppendEntries carried the old commit; the one after the quorum ack carries the new one.
        var toTwo = net.DeliveredSince(mark).Where(m => m.To == 2 && m.Type == MessageType.AppendEntries).ToList();
        Assert.Equal(1UL, toTwo[0].Commit);
        Assert.Equal(2UL, toTwo[^1].Commit);
        Assert.Equal(2UL, net.Nodes[2].Commit);
        Assert.Equal(["x"], net.AppliedCommands(2));
    }

    [Fact]
    public void Every_node_applies_the_same_commands_in_the_same_order_across_leader_changes()
    {
        var net = new Network(1, 2, 3, 4, 5);
        var rng = new Random(7);
        var proposed = 0;
        for (var round = 0; round < 400; round++)
        {
            if (round % 50 == 0)
            {
                net.Heal();
                net.Isolate((ulong)rng.Next(1, 6));
            }
            net.TickAll();
            foreach (var node in net.Nodes.Values.Where(n => n.Role == RaftRole.Leader))
                if (rng.Next(3) == 0) node.Propose(B($"c{proposed++}"));
            net.Settle();
        }
        net.Heal();
        net.TickAll(30);
        var reference = net.AppliedCommands(net.Leader!.Id);
        Assert.True(reference.Count > 20, $"only {reference.Count} commands committed");
        foreach (var id in net.Nodes.Keys)
        {
            Assert.Equal(reference, net.AppliedCommands(id));
            Assert.Equal(net.Nodes[id].Commit, net.Applied[id].Last().Index);
        }
    }
}
