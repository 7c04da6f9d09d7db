using OrleansKv.Raft;
using OrleansKv.Raft.Tracker;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>Log compaction and InstallSnapshot (Raft §7).</summary>
public class SnapshotTests
{
    /// <summary>Leader 1 commits ten commands while node 3 is cut off, then snapshots and compacts at its applied index.</summary>
    private static (Network Net, ulong SnapshotIndex) ClusterWithCompactedLeader()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Cut(1, 3);
        for (var i = 0; i < 10; i++) net.Propose(1, $"c{i}");
        var leader = net.Nodes[1];
        var index = leader.Applied;
        Assert.Equal(11UL, index);
        Compact(net, 1, index);
        Assert.Equal(12UL, leader.FirstIndex);
        return (net, index);
    }

    private static void Compact(Network net, ulong id, ulong index)
    {
        var node = net.Nodes[id];
        net.Storage[id].CreateSnapshot(index, node.MembershipAt(index), B($"state@{index}"));
        net.Storage[id].Compact(index);
    }

    private static Snapshot SnapshotAt(ulong index, ulong term, params ulong[] voters) =>
        new(new SnapshotMetadata(index, term, Membership.OfVoters(voters)), B($"state@{index}"));

    [Fact]
    public void A_follower_behind_the_compaction_point_receives_a_snapshot_restores_it_and_catches_up()
    {
        var (net, snapshotIndex) = ClusterWithCompactedLeader();
        net.Propose(1, "after");
        net.Heal();
        var mark = net.Delivered.Count;
        net.Tick(1);

        var install = Assert.Single(net.DeliveredSince(mark), m => m.Type == MessageType.InstallSnapshot);
        Assert.Equal(3UL, install.To);
        Assert.Equal(snapshotIndex, install.Snapshot!.Metadata.Index);

        var follower = net.Nodes[3];
        Assert.Equal(snapshotIndex, net.Storage[3].Snapshot.Metadata.Index);
        Assert.Equal("state@11", S(net.Storage[3].Snapshot.Data));
        Assert.Equal(snapshotIndex + 1, follower.FirstIndex);
        Assert.Equal(12UL, follower.LastIndex);
        Assert.Equal(12UL, follower.Commit);
        Assert.Equal(12UL, follower.Applied);
        // The snapshot stands for entries 2..11: only what came after it is applied as entries.
        Assert.Equal(["after"], net.AppliedCommands(3));
        Assert.Equal(ProgressState.Replicate, net.Nodes[1].Progress[3].State);
        Assert.Equal(12UL, net.Nodes[1].Progress[3].Match);
    }

    [Fact]
    public void While_a_snapshot_is_in_flight_the_leader_sends_that_follower_nothing_else_and_retries_after_a_reported_failure()
    {
        var (net, snapshotIndex) = ClusterWithCompactedLeader();
        net.Heal();
        net.Hold(m => m.Type == MessageType.InstallSnapshot);
        net.Tick(1);
        Assert.Single(net.Held);
        Assert.Equal(ProgressState.Snapshot, net.Nodes[1].Progress[3].State);

        var mark = net.Delivered.Count;
        net.Propose(1, "more");
        net.Tick(1, 3);
        Assert.DoesNotContain(net.DeliveredSince(mark), m => m.To == 3 && m.Type == MessageType.AppendEntries);

        // The transfer failed: the shell says so; the leader probes again after the next heartbeat.
        net.Held.Clear();
        net.StopHolding();
        net.Nodes[1].ReportSnapshot(3, succeeded: false);
        Assert.Equal(ProgressState.Probe, net.Nodes[1].Progress[3].State);
        Assert.True(net.Nodes[1].Progress[3].IsPaused);
        mark = net.Delivered.Count;
        net.Tick(1);
        Assert.Contains(net.DeliveredSince(mark), m => m.To == 3 && m.Type == MessageType.InstallSnapshot);
        Assert.Equal(snapshotIndex, net.Storage[3].Snapshot.Metadata.Index);
        Assert.Equal(net.Nodes[1].LastIndex, net.Nodes[3].LastIndex);
        Assert.Equal(["more"], net.AppliedCommands(3));
    }

    [Fact]
    public void A_leader_sends_no_snapshot_to_a_follower_it_has_not_heard_from_lately()
    {
        var (net, _) = ClusterWithCompactedLeader();
        net.TickAll(25); // two check-quorum rounds without a word from node 3
        var leader = net.Nodes[1];
        Assert.False(leader.Progress[3].RecentActive);
        leader.ReportUnreachable(3);
        net.Propose(1, "x");
        Assert.Equal(ProgressState.Probe, leader.Progress[3].State); // a snapshot would be wasted on a dead node

        net.Heal();
        net.Tick(1);
        Assert.Equal(ProgressState.Replicate, leader.Progress[3].State);
        Assert.Equal(leader.LastIndex, net.Nodes[3].LastIndex);
    }

    [Fact]
    public void A_new_learner_that_joins_after_compaction_is_brought_up_by_a_snapshot()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        for (var i = 0; i < 5; i++) net.Propose(1, $"c{i}");
        Compact(net, 1, net.Nodes[1].Applied);

        net.Add(4, Network.Options(4, Membership.Empty));
        var change = net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        Assert.Equal(ProposalStatus.Appended, change.Status);
        net.Settle();
        net.Propose(1, "later");

        var learner = net.Nodes[4];
        Assert.Equal(6UL, net.Storage[4].Snapshot.Metadata.Index);
        Assert.Equal(net.Nodes[1].LastIndex, learner.LastIndex);
        Assert.Equal(net.Nodes[1].Commit, learner.Commit);
        Assert.True(learner.CurrentMembership.IsLearner(4));
        Assert.Equal(["later"], net.AppliedCommands(4));
    }

    [Fact]
    public void A_snapshot_carries_the_membership_in_effect_at_its_index()
    {
        var net = new Network(1, 2, 3);
        net.Elect(1);
        net.Add(4, Network.Options(4, Membership.Empty));
        net.Hold(m => m.To == 4);
        net.Nodes[1].ProposeMembershipChange(MembershipChange.AddLearner(4));
        net.Settle();
        net.Propose(1, "x");
        var index = net.Nodes[1].Applied;
        Compact(net, 1, index);
        var withLearner = new Membership([1, 2, 3], [4]);
        Assert.Equal(withLearner, net.Storage[1].Snapshot.Metadata.Membership);

        net.Held.Clear();
        net.StopHolding();
        net.Tick(1);
        var learner = net.Nodes[4];
        Assert.Equal(index, net.Storage[4].Snapshot.Metadata.Index);
        Assert.Equal(withLearner, learner.CurrentMembership); // learned from the snapshot alone
        Assert.Equal(withLearner, learner.MembershipAt(index));
        Assert.False(learner.IsPromotable);
    }

    [Fact]
    public void A_stale_snapshot_is_ignored_and_answered_with_the_commit_index()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 1, 1, 1), hardState: new HardState(1, 0, 5));
        var reply = Assert.Single(follower.Step(new Message
        {
            Type = MessageType.InstallSnapshot, From = 1, To = 2, Term = 1, Snapshot = SnapshotAt(3, 1, 1, 2, 3),
        }));
        Assert.False(reply.Reject);
        Assert.Equal(5UL, reply.Index);
        Assert.All(follower.Readies, r => Assert.Null(r.Snapshot));
        Assert.Equal(1UL, follower.Node.FirstIndex);
        Assert.Equal(5UL, follower.Node.LastIndex);
        Assert.True(follower.Storage.Snapshot.IsEmpty);
    }

    [Fact]
    public void A_snapshot_older_than_the_followers_own_compaction_point_is_ignored()
    {
        var storage = new MemoryRaftLog();
        storage.Append(Log(1, 1, 1, 1, 1));
        storage.SetHardState(new HardState(1, 0, 5));
        storage.CreateSnapshot(4, Membership.OfVoters(1, 2, 3), B("state@4"));
        storage.Compact(4);
        var follower = new Solo(Network.Options(2, Membership.OfVoters(1, 2, 3)), storage);

        var reply = Assert.Single(follower.Step(new Message
        {
            Type = MessageType.InstallSnapshot, From = 1, To = 2, Term = 1, Snapshot = SnapshotAt(3, 1, 1, 2, 3),
        }));
        Assert.Equal(5UL, reply.Index);
        Assert.All(follower.Readies, r => Assert.Null(r.Snapshot));
        Assert.Equal(5UL, follower.Node.FirstIndex);
        Assert.Equal(5UL, follower.Node.LastIndex);
        Assert.Equal(4UL, storage.Snapshot.Metadata.Index);
    }

    [Fact]
    public void A_snapshot_whose_last_entry_the_follower_already_holds_only_advances_its_commit()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 1, 1, 1), hardState: new HardState(1, 0, 2));
        var reply = Assert.Single(follower.Step(new Message
        {
            Type = MessageType.InstallSnapshot, From = 1, To = 2, Term = 1, Snapshot = SnapshotAt(4, 1, 1, 2, 3),
        }));
        Assert.Equal(4UL, reply.Index);
        Assert.Equal(4UL, follower.Node.Commit);
        Assert.Equal(5UL, follower.Node.LastIndex); // entry 5 is kept
        Assert.All(follower.Readies, r => Assert.Null(r.Snapshot));
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, follower.Applied.Select(e => e.Index));
    }

    [Fact]
    public void A_snapshot_that_conflicts_with_the_followers_log_replaces_the_whole_log_and_its_membership()
    {
        var follower = Solo.Create(2, [1, 2, 3], log: Log(1, 1, 1, 1, 1), hardState: new HardState(1, 0, 1));
        follower.Drain(); // applies entry 1
        follower.Readies.Clear();
        var reply = Assert.Single(follower.Step(new Message
        {
            Type = MessageType.InstallSnapshot, From = 4, To = 2, Term = 2, Snapshot = SnapshotAt(3, 2, 2, 3, 4),
        }));
        Assert.Equal(3UL, reply.Index);
        var ready = Assert.Single(follower.Readies, r => r.Snapshot is not null);
        Assert.Equal(3UL, ready.Snapshot!.Metadata.Index);
        Assert.Empty(ready.CommittedEntries); // the snapshot replaces entries 2..3; nothing to apply
        Assert.Equal(4UL, follower.Node.FirstIndex);
        Assert.Equal(3UL, follower.Node.LastIndex);
        Assert.Equal(3UL, follower.Node.Commit);
        Assert.Equal(3UL, follower.Node.Applied);
        Assert.Equal(Membership.OfVoters(2, 3, 4), follower.Node.CurrentMembership);
        Assert.True(follower.Node.TryGetTerm(3, out var term) && term == 2);
        Assert.Equal(new ulong[] { 1 }, follower.Applied.Select(e => e.Index));

        // Entries after the snapshot are accepted on top of it.
        follower.Step(Append(4, 2, 2, 3, 2, [E(4, 2, "x")], commit: 4));
        Assert.Equal(4UL, follower.Node.Commit);
        Assert.Equal("x", S(follower.Applied[^1].Data));
    }
}
