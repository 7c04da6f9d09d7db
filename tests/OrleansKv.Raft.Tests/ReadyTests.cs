using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>The shell contract: one Ready at a time, persist before send, everything handed out once.</summary>
public class ReadyTests
{
    private static RaftNode SingleNodeLeader(out MemoryRaftLog storage, long maxCommittedBytes = 16 << 20)
    {
        storage = new MemoryRaftLog();
        var node = new RaftNode(new RaftOptions
        {
            Id = 1, InitialMembership = Membership.OfVoters(1), Random = new Random(1), MaxCommittedBytesPerReady = maxCommittedBytes,
        }, storage);
        node.Campaign();
        return node;
    }

    private static void Persist(MemoryRaftLog storage, Ready ready)
    {
        if (ready.Snapshot is { } snapshot) storage.ApplySnapshot(snapshot);
        storage.Append(ready.Entries);
        if (ready.HardState is { } hs) storage.SetHardState(hs);
    }

    [Fact]
    public void Calling_GetReady_again_before_Advance_throws()
    {
        var node = SingleNodeLeader(out _);
        node.GetReady();
        Assert.Throws<InvalidOperationException>(() => node.GetReady());
    }

    [Fact]
    public void Advance_must_be_given_the_outstanding_Ready()
    {
        var node = SingleNodeLeader(out var storage);
        var ready = node.GetReady();
        Assert.Throws<InvalidOperationException>(() => node.Advance(new Ready()));
        Persist(storage, ready);
        node.Advance(ready);
        Assert.Throws<InvalidOperationException>(() => node.Advance(ready)); // not twice either
    }

    [Fact]
    public void HasReady_is_false_while_a_Ready_is_outstanding()
    {
        var node = SingleNodeLeader(out var storage);
        Assert.True(node.HasReady);
        var ready = node.GetReady();
        node.Propose(B("x"));
        Assert.False(node.HasReady);
        Persist(storage, ready);
        node.Advance(ready);
        Assert.True(node.HasReady);
    }

    [Fact]
    public void Entries_are_handed_out_for_persisting_exactly_once()
    {
        var node = SingleNodeLeader(out var storage);
        var seen = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            node.Propose(B($"c{i}"));
            while (node.HasReady)
            {
                var ready = node.GetReady();
                seen.AddRange(ready.Entries.Select(e => e.Index));
                Persist(storage, ready);
                node.Advance(ready);
            }
        }
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (ulong)i), seen);
    }

    [Fact]
    public void Committed_entries_are_delivered_exactly_once_and_in_log_order()
    {
        var net = new Network(1, 2, 3);
        var rng = new Random(3);
        for (var round = 0; round < 200; round++)
        {
            if (round % 40 == 20) net.Isolate((ulong)rng.Next(1, 4));
            if (round % 40 == 0) net.Heal();
            net.TickAll();
            var leader = net.Nodes.Values.FirstOrDefault(n => n.Role == RaftRole.Leader);
            leader?.Propose(B($"r{round}"));
            net.Settle();
        }
        net.Heal();
        net.TickAll(30);
        foreach (var (id, applied) in net.Applied)
        {
            Assert.Equal(Enumerable.Range(1, applied.Count).Select(i => (ulong)i), applied.Select(e => e.Index));
            Assert.Equal(net.Nodes[id].Commit, (ulong)applied.Count);
            Assert.Equal(net.Nodes[id].Applied, (ulong)applied.Count);
        }
    }

    [Fact]
    public void A_Ready_carries_the_hard_state_only_when_it_changed_and_must_sync_only_then()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        var leader = net.Nodes[1];
        leader.Tick(); // a heartbeat: messages only
        var ready = leader.GetReady();
        Assert.NotEmpty(ready.Messages);
        Assert.Null(ready.HardState);
        Assert.Empty(ready.Entries);
        Assert.False(ready.MustSync);
        leader.Advance(ready);

        leader.Propose(B("x"));
        var withEntries = leader.GetReady();
        Assert.True(withEntries.MustSync);
        net.Persist(1, withEntries);
        leader.Advance(withEntries);
    }

    [Fact]
    public void SoftState_is_reported_when_the_role_or_leader_changes_and_not_otherwise()
    {
        var solo = Solo.Create(1, [1, 2, 3], preVote: false);
        solo.Node.Campaign();
        solo.Drain();
        Assert.Equal(new SoftState(0, RaftRole.Candidate), solo.Readies[0].SoftState);
        solo.Step(new Message { Type = MessageType.RequestVoteResponse, From = 2, To = 1, Term = 1 });
        Assert.Equal(new SoftState(1, RaftRole.Leader), solo.Readies[^1].SoftState);
        solo.Readies.Clear();
        solo.Node.Tick();
        solo.Drain();
        Assert.All(solo.Readies, r => Assert.Null(r.SoftState));
    }

    [Fact]
    public void Committed_entries_are_handed_out_in_batches_no_larger_than_MaxCommittedBytesPerReady()
    {
        var node = SingleNodeLeader(out var storage, maxCommittedBytes: 300);
        node.Propose(Enumerable.Range(0, 10).Select(_ => new byte[100]).ToList()); // 124 bytes each
        var batches = new List<int>();
        while (node.HasReady)
        {
            var ready = node.GetReady();
            if (ready.CommittedEntries.Count > 0)
            {
                batches.Add(ready.CommittedEntries.Count);
                Assert.True(ready.CommittedEntries.Count == 1 || ready.CommittedEntries.Sum(e => e.Size) <= 300);
            }
            Persist(storage, ready);
            node.Advance(ready);
        }
        Assert.Equal(11, batches.Sum());
        Assert.True(batches.Count >= 5, $"batches: {string.Join(",", batches)}");
        Assert.Equal(11UL, node.Applied);
    }

    [Fact]
    public void A_followers_acknowledgement_is_sent_in_the_same_Ready_that_carries_the_entries_to_persist()
    {
        var follower = Solo.Create(2, [1, 2, 3]);
        follower.Node.Step(Append(1, 2, 1, 0, 0, [E(1, 1, "x")]));
        var ready = follower.Node.GetReady();
        Assert.Single(ready.Entries);
        Assert.Contains(ready.Messages, m => m.Type == MessageType.AppendEntriesResponse && m.Index == 1);
        Assert.True(ready.MustSync); // the shell must fsync the entry before it sends the ack
        follower.Node.Advance(ready);
    }
    [Fact]
    public void A_hard_state_that_only_moves_the_commit_index_needs_no_fsync()
    {
        var follower = Solo.Create(2, [1, 2, 3]);
        follower.Step(Append(1, 2, 1, 0, 0, [E(1, 1, "x")]));
        Assert.True(follower.Readies[^1].MustSync);

        // The leader's next message only tells the follower that entry 1 is committed.
        follower.Node.Step(Append(1, 2, 1, 1, 1, [], commit: 1));
        var commit = follower.Node.GetReady();
        Assert.Equal(1UL, commit.HardState?.Commit);
        Assert.Empty(commit.Entries);
        Assert.Single(commit.CommittedEntries);
        Assert.False(commit.MustSync); // a lost commit index is learnt again from the leader
        follower.Node.Advance(commit);
    }

    [Fact]
    public void Only_a_leaders_replication_traffic_may_be_sent_before_its_Ready_is_durable()
    {
        var candidate = Solo.Create(1, [1, 2, 3], preVote: false);
        for (var i = 0; i < 30 && candidate.Node.Role != RaftRole.Candidate; i++) candidate.Node.Tick();
        var campaign = candidate.Node.GetReady();
        Assert.Contains(campaign.Messages, m => m.Type == MessageType.RequestVote);
        Assert.True(campaign.MustSync); // the vote for itself is a promise
        Assert.False(campaign.MessagesMayPrecedePersist);
        candidate.Node.Advance(campaign);

        var follower = Solo.Create(2, [1, 2, 3]);
        follower.Node.Step(Append(1, 2, 1, 0, 0, [E(1, 1, "x")]));
        var ack = follower.Node.GetReady();
        Assert.False(ack.MessagesMayPrecedePersist); // the ack promises the entry is on disk
        follower.Node.Advance(ack);

        var net = new Network(1, 2, 3);
        net.Elect(1);
        var leader = net.Nodes[1];
        leader.Propose(B("x"));
        var replicate = leader.GetReady();
        Assert.Contains(replicate.Messages, m => m.Type == MessageType.AppendEntries && m.Entries.Length > 0);
        Assert.True(replicate.MustSync);
        Assert.True(replicate.MessagesMayPrecedePersist);
        net.Persist(1, replicate);
        leader.Advance(replicate);
    }
}
