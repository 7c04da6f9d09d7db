using System.Runtime.InteropServices;
using OrleansKv.Contracts;
using OrleansKv.Raft;
using OrleansKv.Replica.Kv;
using OrleansKv.Replica.Peer;

namespace OrleansKv.Replica.Tests.Peer;

public sealed class RaftPeerTests
{
    [Fact]
    public void A_write_at_the_leader_is_answered_with_its_log_index_as_version_and_applied_on_every_replica()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var answer = cluster.Call(leader, Requests.Put("k", "v"));
        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.True(answer.Version > 0);
        cluster.Tick(3);
        var digests = cluster.Grains.Values.Select(g => (g.AppliedIndex, g.StateMachine.StateDigest())).Distinct().ToList();
        Assert.Single(digests);
        Assert.True(digests[0].AppliedIndex >= answer.Version);
    }

    [Fact]
    public void A_leader_applies_its_own_write_from_the_command_it_proposed_without_decoding_the_entry()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var put = Requests.Put("k", "v");
        Assert.Equal(KvStatus.Ok, cluster.Call(leader, put).Status);
        var read = cluster.Call(leader, Requests.Get("k"));
        // The leader's stored value is the request's own array; a decoded entry would have made a copy.
        Assert.True(MemoryMarshal.TryGetArray(put.Value.Memory, out var proposed));
        Assert.True(MemoryMarshal.TryGetArray(read.Value.Memory, out var stored));
        Assert.Same(proposed.Array, stored.Array);
        // Followers decode the same entry into the same state.
        cluster.Tick(3);
        Assert.Single(cluster.Grains.Values.Select(g => (g.AppliedIndex, g.StateMachine.StateDigest())).Distinct());
    }

    [Fact]
    public void An_entry_a_new_leader_wrote_over_an_old_leaders_lost_proposal_is_applied_as_the_new_leader_wrote_it()
    {
        var cluster = new PeerCluster();
        var old = cluster.ElectLeader();
        cluster.Call(old, Requests.Put("k", "first"));
        // The old leader proposes while cut off: its entry never reaches a quorum.
        cluster.Isolate(old.Node.Id);
        KvResponse? lost = null;
        old.OnClientRequest(Requests.Put("k", "lost"), response => lost = response);
        cluster.Pump();
        var next = cluster.ElectLeaderOtherThan(old);
        Assert.Equal(KvStatus.Ok, cluster.Call(next, Requests.Put("k", "won")).Status);
        cluster.Heal();
        cluster.Tick(20);

        Assert.NotNull(lost);
        Assert.NotEqual(KvStatus.Ok, lost.Status);
        var stale = cluster.Call(old, Requests.Get("k", ReadConsistency.Stale));
        Assert.Equal("won", stale.Value.ToStringUtf8());
        Assert.Single(cluster.Grains.Values.Select(g => (g.AppliedIndex, g.StateMachine.StateDigest())).Distinct());
    }

    [Fact]
    public void A_write_is_answered_only_once_a_quorum_has_made_it_durable()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        KvResponse? answer = null;
        leader.OnClientRequest(Requests.Put("k", "v"), response => answer = response);
        // Nothing is durable yet: the leader has not even sent the entry.
        Assert.Null(answer);
        cluster.Pump();
        Assert.NotNull(answer);
        Assert.Equal(KvStatus.Ok, answer.Status);
    }

    [Fact]
    public void A_write_both_followers_made_durable_is_answered_while_the_leaders_own_fsync_still_runs()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var store = cluster.Stores[leader.Node.Id];
        store.HoldFsyncs = true;
        KvResponse? answer = null;
        leader.OnClientRequest(Requests.Put("k", "v"), response => answer = response);
        cluster.Pump();
        Assert.Equal(KvStatus.Ok, answer?.Status);
        Assert.Equal(answer!.Version, leader.StateMachine.AppliedIndex);

        store.HoldFsyncs = false;
        cluster.Pump();
        Assert.Equal("v", cluster.Call(leader, Requests.Get("k")).Value.ToStringUtf8());
    }

    [Fact]
    public void A_write_only_one_follower_made_durable_waits_for_the_leaders_own_fsync()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var store = cluster.Stores[leader.Node.Id];
        cluster.Isolate(cluster.Grains.Keys.First(id => id != leader.Node.Id));
        store.HoldFsyncs = true;
        KvResponse? answer = null;
        leader.OnClientRequest(Requests.Put("k", "v"), response => answer = response);
        cluster.Pump();
        Assert.Null(answer);

        store.HoldFsyncs = false;
        cluster.Pump();
        Assert.Equal(KvStatus.Ok, answer?.Status);
    }

    [Fact]
    public void A_follower_answers_NOT_LEADER_with_the_leaders_id()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var follower = cluster.Grains.Values.First(g => !g.IsLeader);
        var answer = cluster.Call(follower, Requests.Put("k", "v"));
        Assert.Equal(KvStatus.NotLeader, answer.Status);
        Assert.Equal(leader.Node.Id, answer.LeaderHint);
    }

    [Fact]
    public void A_leader_whose_storage_is_backed_up_refuses_new_writes_as_UNAVAILABLE_without_proposing_them()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var lastIndex = leader.Node.LastIndex;
        cluster.Stores[leader.Node.Id].IsBackedUp = true;
        var refused = cluster.Call(leader, Requests.Put("k", "v"));
        Assert.Equal(KvStatus.Unavailable, refused.Status);
        Assert.Contains("storage is behind", refused.Message);
        Assert.Equal(lastIndex, leader.Node.LastIndex); // nothing was appended: the refusal is true

        cluster.Stores[leader.Node.Id].IsBackedUp = false;
        Assert.Equal(KvStatus.Ok, cluster.Call(leader, Requests.Put("k", "v")).Status);
    }

    [Fact]
    public void A_grain_that_knows_no_leader_answers_UNAVAILABLE_at_once()
    {
        var cluster = new PeerCluster();
        var answer = cluster.Call(cluster.Grains[1], Requests.Put("k", "v"), maxTicks: 0);
        Assert.Equal(KvStatus.Unavailable, answer.Status);
    }

    [Fact]
    public void A_stale_read_is_served_by_a_follower_and_says_it_is_stale()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        cluster.Call(leader, Requests.Put("k", "v"));
        cluster.Tick(2);
        var follower = cluster.Grains.Values.First(g => !g.IsLeader);
        var answer = cluster.Call(follower, Requests.Get("k", ReadConsistency.Stale));
        Assert.Equal(KvStatus.Ok, answer.Status);
        Assert.True(answer.Stale);
        Assert.Equal("v", answer.Value.ToStringUtf8());
    }

    [Fact]
    public void A_linearizable_read_at_a_leader_cut_off_from_its_quorum_is_never_answered_with_data()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        cluster.Call(leader, Requests.Put("k", "v"));
        cluster.Isolate(leader.Node.Id);
        var answer = cluster.Call(leader, Requests.Get("k"), maxTicks: 100);
        Assert.NotEqual(KvStatus.Ok, answer.Status);
        Assert.Contains(answer.Status, new[] { KvStatus.Unavailable, KvStatus.NotLeader });
    }

    [Fact]
    public void A_linearizable_read_sees_the_latest_acknowledged_write()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var written = cluster.Call(leader, Requests.Put("k", "v2"));
        var read = cluster.Call(leader, Requests.Get("k"));
        Assert.Equal(KvStatus.Ok, read.Status);
        Assert.False(read.Stale);
        Assert.Equal("v2", read.Value.ToStringUtf8());
        Assert.Equal(written.Version, read.Version);
    }

    [Fact]
    public void A_write_retried_at_a_new_leader_with_the_same_client_and_sequence_applies_once()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        // The first attempt commits everywhere but its answer is lost with the old leader.
        leader.OnClientRequest(Requests.Append("log", "[a]", client: 42, sequence: 1), _ => { });
        cluster.Pump();
        cluster.Tick(2);
        cluster.Isolate(leader.Node.Id);
        var next = cluster.ElectLeaderOtherThan(leader);
        var retried = cluster.Call(next, Requests.Append("log", "[a]", client: 42, sequence: 1));
        Assert.Equal(KvStatus.Ok, retried.Status);
        var read = cluster.Call(next, Requests.Get("log"));
        Assert.Equal("[a]", read.Value.ToStringUtf8());
    }

    [Fact]
    public void An_oversized_key_is_refused_with_its_typed_status_before_anything_is_proposed()
    {
        var cluster = new PeerCluster(configure: o => o with { Limits = new KvLimits { MaxKeyBytes = 8 } });
        var leader = cluster.ElectLeader();
        var lastIndex = leader.Node.LastIndex;
        var answer = cluster.Call(leader, Requests.Put("a-key-longer-than-eight", "v"));
        Assert.Equal(KvStatus.KeyTooLarge, answer.Status);
        Assert.Equal(lastIndex, leader.Node.LastIndex);
    }

    [Fact]
    public void Writes_stuck_without_a_quorum_are_answered_by_their_deadline_or_the_step_down_never_left_hanging()
    {
        var cluster = new PeerCluster(configure: o => o with { RequestTimeoutTicks = 5 });
        var leader = cluster.ElectLeader();
        foreach (var other in cluster.Grains.Values.Where(g => g != leader)) cluster.Isolate(other.Node.Id);
        var answer = cluster.Call(leader, Requests.Put("k", "v"), maxTicks: 100);
        Assert.Contains(answer.Status, new[] { KvStatus.Timeout, KvStatus.NotLeader, KvStatus.Unavailable });
    }

    [Fact]
    public void A_grain_restarted_from_its_store_rebuilds_state_from_its_snapshot_and_the_log_after_it()
    {
        var cluster = new PeerCluster(configure: o => o with { SnapshotEveryEntries = 10, EntriesKeptAfterSnapshot = 2 });
        var leader = cluster.ElectLeader();
        for (var i = 0; i < 35; i++) Assert.Equal(KvStatus.Ok, cluster.Call(leader, Requests.Put($"k{i % 5}", $"v{i}")).Status);
        cluster.Tick(3);
        var follower = cluster.Grains.Values.First(g => !g.IsLeader);
        var id = follower.Node.Id;
        var store = cluster.Stores[id];
        Assert.False(store.Snapshot.IsEmpty);
        Assert.True(store.FirstIndex > 1);
        var digest = follower.StateMachine.StateDigest();
        var applied = follower.AppliedIndex;

        var restarted = cluster.Activate(id);
        cluster.Tick(5);
        Assert.True(restarted.AppliedIndex >= applied);
        if (restarted.AppliedIndex == applied) Assert.Equal(digest, restarted.StateMachine.StateDigest());
        Assert.Equal("v34", cluster.Call(restarted, Requests.Get("k4", ReadConsistency.Stale)).Value.ToStringUtf8());
    }

    [Fact]
    public void A_snapshot_for_a_lagging_follower_goes_out_only_once_the_store_has_read_its_bytes_back()
    {
        var cluster = new PeerCluster(configure: o => o with { SnapshotEveryEntries = 10, EntriesKeptAfterSnapshot = 2 });
        var leader = cluster.ElectLeader();
        var lagging = cluster.Grains.Values.First(g => !g.IsLeader);
        cluster.Isolate(lagging.Node.Id);
        for (var i = 0; i < 35; i++) Assert.Equal(KvStatus.Ok, cluster.Call(leader, Requests.Put($"k{i % 5}", $"v{i}")).Status);
        var leaderStore = cluster.Stores[leader.Node.Id];
        Assert.True(leaderStore.FirstIndex > 2, "the leader compacted what the lagging follower lacks");
        // As a store that dropped the snapshot's bytes: reading them back takes until the test says.
        leaderStore.SnapshotRead = new TaskCompletionSource<Snapshot>();

        cluster.Heal();
        cluster.Tick(5);
        Assert.True(cluster.Stores[lagging.Node.Id].Snapshot.IsEmpty, "no snapshot may go out before its bytes are back");
        Assert.True(lagging.AppliedIndex < leader.AppliedIndex);

        var held = leaderStore.Snapshot;
        leaderStore.SnapshotRead.SetResult(new Snapshot(held.Metadata, held.Data.ToArray()));
        cluster.Tick(5);
        Assert.Equal(leader.AppliedIndex, lagging.AppliedIndex);
        Assert.Equal(leader.StateMachine.StateDigest(), lagging.StateMachine.StateDigest());
    }

    [Fact]
    public void Proposals_arriving_while_an_fsync_is_in_flight_are_made_durable_together()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        var store = cluster.Stores[leader.Node.Id];
        var before = store.Fsyncs;
        var answers = 0;
        for (var i = 0; i < 50; i++) leader.OnClientRequest(Requests.Put($"k{i}", "v"), _ => answers++);
        cluster.Pump();
        Assert.Equal(50, answers);
        // The first proposal starts an fsync; the other 49 wait for it and share the next one.
        // Commit-index updates are written without an fsync of their own.
        Assert.True(store.Fsyncs - before <= 3, $"{store.Fsyncs - before} fsyncs for 50 proposals");
        Assert.True(store.NonSyncedWrites > 0, "the commit index moved without a write");
    }

    [Fact]
    public void Transferring_leadership_away_hands_it_to_another_replica()
    {
        var cluster = new PeerCluster();
        var leader = cluster.ElectLeader();
        Assert.True(leader.TransferLeadershipAway());
        cluster.Pump();
        cluster.Tick(3);
        Assert.False(leader.IsLeader);
        Assert.Single(cluster.Grains.Values, g => g.IsLeader);
    }

    [Fact]
    public void Role_changes_are_reported_with_their_cause_and_the_known_leadership_follows_them()
    {
        var cluster = new PeerCluster();
        var changes = new List<(ulong Replica, RoleChange Change)>();
        foreach (var (id, grain) in cluster.Grains) grain.RoleChanged = c => changes.Add((id, c));
        var leader = cluster.ElectLeader();
        Assert.Contains(changes, c => c.Replica == leader.Node.Id && c.Change.Role == RaftRole.Leader && c.Change.Cause.Contains("RequestVoteResponse"));
        Assert.Contains(changes, c => c.Change.Role == RaftRole.PreCandidate && c.Change.Cause.StartsWith("election timeout"));
        Assert.All(cluster.Grains.Values, g => Assert.Equal(new Leadership(leader.Node.Id, leader.Term), g.KnownLeadership));

        // A leader cut off from its followers is deposed by check-quorum, and says so.
        changes.Clear();
        cluster.Isolate(leader.Node.Id);
        cluster.Tick(25);
        var deposed = Assert.Single(changes, c => c.Replica == leader.Node.Id && c.Change.OldRole == RaftRole.Leader);
        Assert.StartsWith("check-quorum", deposed.Change.Cause);
        Assert.Equal(0UL, leader.KnownLeader);
    }
}
