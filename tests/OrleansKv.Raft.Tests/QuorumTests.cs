using OrleansKv.Raft;
using OrleansKv.Raft.Quorum;
using OrleansKv.Raft.Tracker;

namespace OrleansKv.Raft.Tests;

/// <summary>Majority arithmetic, vote counting and the leader's per-follower bookkeeping.</summary>
public class QuorumTests
{
    private static ulong Committed(params ulong[] matches)
    {
        var voters = Enumerable.Range(1, matches.Length).Select(i => (ulong)i).ToArray();
        return MajorityQuorum.CommittedIndex(voters, id => matches[id - 1]);
    }

    [Theory]
    [InlineData(new ulong[] { 7 }, 7UL)]
    [InlineData(new ulong[] { 7, 3 }, 3UL)]           // two voters: both needed
    [InlineData(new ulong[] { 5, 1, 3 }, 3UL)]
    [InlineData(new ulong[] { 5, 5, 1, 1 }, 1UL)]     // four voters need three
    [InlineData(new ulong[] { 5, 5, 5, 1 }, 5UL)]
    [InlineData(new ulong[] { 9, 8, 2, 2, 1 }, 2UL)]
    [InlineData(new ulong[] { 9, 8, 7, 2, 1 }, 7UL)]
    public void The_committed_index_is_the_highest_index_a_majority_of_voters_holds(ulong[] matches, ulong expected)
    {
        Assert.Equal(expected, Committed(matches));
    }

    [Fact]
    public void No_voters_commit_nothing()
    {
        Assert.Equal(0UL, MajorityQuorum.CommittedIndex([], _ => 9));
    }

    [Fact]
    public void An_election_is_won_with_a_majority_lost_when_a_majority_refuses_and_pending_otherwise()
    {
        ulong[] voters = [1, 2, 3, 4, 5];
        VoteResult Tally(params (ulong Id, bool Granted)[] votes) =>
            MajorityQuorum.VoteResult(voters, votes.ToDictionary(v => v.Id, v => v.Granted));

        Assert.Equal(VoteResult.Pending, Tally((1, true), (2, true)));
        Assert.Equal(VoteResult.Won, Tally((1, true), (2, true), (3, true)));
        Assert.Equal(VoteResult.Pending, Tally((1, true), (2, false), (3, false)));
        Assert.Equal(VoteResult.Lost, Tally((1, true), (2, false), (3, false), (4, false)));
        Assert.Equal(VoteResult.Pending, Tally((1, true), (2, true), (9, true))); // 9 is not a voter
        Assert.Equal(VoteResult.Won, MajorityQuorum.VoteResult([], new Dictionary<ulong, bool>()));
    }

    [Fact]
    public void A_voter_is_counted_once_even_if_its_answer_arrives_twice_or_changes()
    {
        var tracker = new ProgressTracker(8);
        tracker.SetMembership(Membership.OfVoters(1, 2, 3), 1);
        Assert.Equal(VoteResult.Pending, tracker.RecordVote(1, true));
        Assert.Equal(VoteResult.Pending, tracker.RecordVote(2, false));
        Assert.Equal(VoteResult.Pending, tracker.RecordVote(2, true)); // the first answer stands
        Assert.Equal(VoteResult.Won, tracker.RecordVote(3, true));
    }

    [Fact]
    public void Learners_do_not_count_toward_the_commit_index_or_quorum_activity()
    {
        var tracker = new ProgressTracker(8);
        tracker.SetMembership(new Membership([1, 2, 3], [4, 5]), 1);
        tracker[1]!.Match = 10;
        tracker[4]!.Match = 10;
        tracker[5]!.Match = 10;
        Assert.Equal(0UL, tracker.CommittedIndex());
        tracker[2]!.Match = 6;
        Assert.Equal(6UL, tracker.CommittedIndex());

        tracker.ResetRecentActive(1);
        tracker[4]!.RecentActive = true;
        tracker[5]!.RecentActive = true;
        Assert.False(tracker.QuorumActive(1));
        tracker[3]!.RecentActive = true;
        Assert.True(tracker.QuorumActive(1));
    }

    [Fact]
    public void A_membership_change_keeps_the_progress_of_members_that_stay_and_starts_new_ones_probing()
    {
        var tracker = new ProgressTracker(8);
        tracker.SetMembership(Membership.OfVoters(1, 2, 3), 1);
        tracker[2]!.Match = 5;
        tracker.SetMembership(new Membership([1, 2, 4], [3]), 9);
        Assert.Equal(5UL, tracker[2]!.Match);
        Assert.True(tracker[3]!.IsLearner);
        Assert.Equal(ProgressState.Probe, tracker[4]!.State);
        Assert.Equal(9UL, tracker[4]!.Next);
        Assert.True(tracker[4]!.RecentActive); // not held against check-quorum before it can answer
        tracker.SetMembership(Membership.OfVoters(1, 2), 9);
        Assert.Null(tracker[3]);
        Assert.Null(tracker[4]);
    }
}

public class ProgressTests
{
    [Fact]
    public void Inflights_fill_up_to_capacity_and_free_in_order_across_the_ring()
    {
        var inflights = new Inflights(3);
        inflights.Add(5);
        inflights.Add(7);
        inflights.Add(9);
        Assert.True(inflights.IsFull);
        Assert.Throws<InvalidOperationException>(() => inflights.Add(10));
        inflights.FreeUpTo(7);
        Assert.Equal(1, inflights.Count);
        inflights.Add(11); // wraps around the ring
        inflights.Add(13);
        Assert.True(inflights.IsFull);
        inflights.FreeUpTo(10);
        Assert.Equal(2, inflights.Count);
        inflights.FreeFirst();
        Assert.Equal(1, inflights.Count);
        inflights.FreeUpTo(100);
        Assert.Equal(0, inflights.Count);
        inflights.FreeFirst(); // nothing to free
        inflights.Add(1);
        inflights.Reset();
        Assert.Equal(0, inflights.Count);
    }

    [Fact]
    public void Only_the_reply_to_the_latest_probe_moves_Next_back_and_never_below_Match_plus_one()
    {
        var p = new Progress(10, 4, false) { Match = 3 };
        Assert.False(p.MaybeDecreaseTo(7, 2)); // not our latest probe (that was at 9)
        p.SentEntries(1, 10);
        Assert.True(p.ProbeSent);
        Assert.True(p.IsPaused);
        Assert.True(p.MaybeDecreaseTo(9, 6));
        Assert.Equal(7UL, p.Next); // the hint
        Assert.False(p.ProbeSent);
        Assert.True(p.MaybeDecreaseTo(6, 0));
        Assert.Equal(4UL, p.Next); // never below Match + 1
    }

    [Fact]
    public void In_Replicate_a_rejection_at_or_below_Match_is_stale_and_a_newer_one_restarts_from_Match()
    {
        var p = new Progress(5, 4, false);
        p.MaybeUpdate(4);
        p.BecomeReplicate();
        p.SentEntries(3, 7);
        p.SentEntries(1, 8);
        Assert.Equal(9UL, p.Next);
        Assert.Equal(2, p.InflightCount);
        Assert.False(p.MaybeDecreaseTo(4, 0));
        Assert.Equal(9UL, p.Next);
        Assert.True(p.MaybeDecreaseTo(7, 5));
        Assert.Equal(5UL, p.Next);
    }

    [Fact]
    public void MaybeUpdate_ignores_stale_acks_and_unpauses_a_probe()
    {
        var p = new Progress(3, 4, false);
        p.SentEntries(1, 3);
        Assert.True(p.MaybeUpdate(3));
        Assert.False(p.ProbeSent);
        Assert.Equal(3UL, p.Match);
        Assert.Equal(4UL, p.Next);
        Assert.False(p.MaybeUpdate(2));
        Assert.Equal(3UL, p.Match);
    }

    [Fact]
    public void Leaving_Snapshot_state_resumes_after_the_snapshot_and_nothing_is_sent_during_it()
    {
        var p = new Progress(3, 4, false) { Match = 2 };
        p.BecomeSnapshot(20);
        Assert.True(p.IsPaused);
        Assert.Throws<InvalidOperationException>(() => p.SentEntries(1, 3));
        p.BecomeProbe();
        Assert.Equal(21UL, p.Next);
        Assert.Equal(ProgressState.Probe, p.State);
        Assert.False(p.IsPaused);
    }

    [Fact]
    public void In_Replicate_the_window_pauses_sending_when_full()
    {
        var p = new Progress(1, 2, false);
        p.BecomeReplicate();
        p.SentEntries(1, 1);
        Assert.False(p.IsPaused);
        p.SentEntries(1, 2);
        Assert.True(p.IsPaused);
        p.Inflights.FreeUpTo(1);
        Assert.False(p.IsPaused);
        p.SentEntries(0, 2); // an empty append takes no slot
        Assert.Equal(1, p.InflightCount);
    }
}

/// <summary>The membership value type: validity rules and its encoding.</summary>
public class MembershipValueTests
{
    [Fact]
    public void The_quorum_is_a_strict_majority_of_voters()
    {
        Assert.Equal(1, Membership.OfVoters(1).Quorum);
        Assert.Equal(2, Membership.OfVoters(1, 2).Quorum);
        Assert.Equal(2, Membership.OfVoters(1, 2, 3).Quorum);
        Assert.Equal(3, Membership.OfVoters(1, 2, 3, 4).Quorum);
        Assert.Equal(3, new Membership([1, 2, 3, 4, 5], [6, 7]).Quorum);
    }

    [Fact]
    public void A_membership_is_a_set_so_order_and_duplicates_do_not_matter()
    {
        var a = new Membership([3, 1, 2, 2], [5]);
        var b = new Membership([1, 2, 3], [5, 5]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(Membership.OfVoters(1, 2, 3), new Membership([1, 2], [3]));
        Assert.Equal(new ulong[] { 1, 2, 3, 5 }, a.All);
    }

    [Fact]
    public void Node_zero_and_a_node_that_is_both_voter_and_learner_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Membership.OfVoters(0, 1));
        Assert.Throws<ArgumentException>(() => new Membership([1], [0]));
        Assert.Throws<ArgumentException>(() => new Membership([1, 2], [2]));
    }

    [Fact]
    public void Each_change_kind_follows_its_rules()
    {
        var m = new Membership([1, 2, 3], [4]);
        Assert.True(m.TryApply(MembershipChange.AddVoter(4), out var promoted, out _));
        Assert.Equal(Membership.OfVoters(1, 2, 3, 4), promoted);
        Assert.True(m.TryApply(MembershipChange.AddLearner(3), out var demoted, out _));
        Assert.Equal(new Membership([1, 2], [3, 4]), demoted);
        Assert.True(m.TryApply(MembershipChange.Remove(4), out var removed, out _));
        Assert.Equal(Membership.OfVoters(1, 2, 3), removed);

        Assert.False(m.TryApply(MembershipChange.AddVoter(1), out _, out var e1));
        Assert.Contains("already a voter", e1);
        Assert.False(m.TryApply(MembershipChange.AddLearner(4), out _, out _));
        Assert.False(m.TryApply(MembershipChange.Remove(9), out _, out _));
        Assert.False(m.TryApply(MembershipChange.AddVoter(0), out _, out _));
        Assert.False(Membership.OfVoters(1).TryApply(MembershipChange.Remove(1), out _, out _));
        Assert.False(Membership.OfVoters(1).TryApply(MembershipChange.AddLearner(1), out _, out _));
    }

    [Fact]
    public void A_membership_survives_encoding_and_a_malformed_record_is_rejected()
    {
        var m = new Membership([1, 2, 3], [7]);
        Assert.Equal(m, Membership.Decode(m.Encode()));
        Assert.Equal(Membership.Empty, Membership.Decode(Membership.Empty.Encode()));
        Assert.Throws<FormatException>(() => Membership.Decode(new byte[4]));
        var bytes = m.Encode();
        Assert.Throws<FormatException>(() => Membership.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }
}
