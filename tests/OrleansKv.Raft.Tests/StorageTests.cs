using OrleansKv.Raft;
using static OrleansKv.Raft.Tests.Msg;

namespace OrleansKv.Raft.Tests;

/// <summary>MemoryRaftLog: the reference IRaftLog the shell writes each Ready into.</summary>
public class MemoryRaftLogTests
{
    private static MemoryRaftLog WithLog(params ulong[] terms)
    {
        var log = new MemoryRaftLog();
        log.Append(Log(terms));
        return log;
    }

    [Fact]
    public void An_empty_log_spans_nothing_and_knows_only_the_term_of_index_zero()
    {
        var log = new MemoryRaftLog();
        Assert.Equal(1UL, log.FirstIndex);
        Assert.Equal(0UL, log.LastIndex);
        Assert.True(log.TryGetTerm(0, out var term) && term == 0);
        Assert.False(log.TryGetTerm(1, out _));
        Assert.True(log.Snapshot.IsEmpty);
        Assert.True(log.HardState.IsEmpty);
    }

    [Fact]
    public void Appending_entries_that_overlap_replaces_the_conflicting_suffix()
    {
        var log = WithLog(1, 1, 2, 2, 2);
        log.Append([E(3, 3), E(4, 3)]);
        Assert.Equal(4UL, log.LastIndex);
        Assert.True(log.TryGetTerm(3, out var t3) && t3 == 3);
        Assert.True(log.TryGetTerm(2, out var t2) && t2 == 1);
        Assert.False(log.TryGetTerm(5, out _));
    }

    [Fact]
    public void Appending_after_a_gap_throws()
    {
        var log = WithLog(1, 1);
        Assert.Throws<InvalidOperationException>(() => log.Append([E(4, 1)]));
    }

    [Fact]
    public void Appending_entries_that_are_already_compacted_is_a_no_op_and_a_partly_compacted_batch_keeps_its_tail()
    {
        var log = WithLog(1, 1, 1, 1);
        log.CreateSnapshot(3, Membership.OfVoters(1), []);
        log.Compact(3);
        log.Append([E(1, 1), E(2, 1)]);
        Assert.Equal(4UL, log.FirstIndex);
        Assert.Equal(4UL, log.LastIndex);
        log.Append([E(2, 1), E(3, 1), E(4, 2), E(5, 2)]);
        Assert.Equal(5UL, log.LastIndex);
        Assert.True(log.TryGetTerm(4, out var term) && term == 2);
    }

    [Fact]
    public void GetEntries_stops_at_the_size_limit_but_always_returns_at_least_one_entry()
    {
        var log = new MemoryRaftLog();
        log.Append(Enumerable.Range(1, 5).Select(i => new Entry((ulong)i, 1, EntryType.Normal, new byte[100])).ToList());
        var into = new List<Entry>();
        log.GetEntries(1, 6, 250, into);
        Assert.Equal(2, into.Count); // 124 + 124 <= 250
        into.Clear();
        log.GetEntries(2, 6, 10, into);
        Assert.Single(into);
        into.Clear();
        log.GetEntries(1, 6, long.MaxValue, into);
        Assert.Equal(5, into.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntries(1, 7, long.MaxValue, []));
    }

    [Fact]
    public void CreateSnapshot_then_Compact_moves_the_first_index_and_keeps_the_snapshot_term()
    {
        var log = WithLog(1, 1, 2, 2, 3);
        var snapshot = log.CreateSnapshot(4, Membership.OfVoters(1, 2, 3), B("sm"));
        Assert.Equal(new SnapshotMetadata(4, 2, Membership.OfVoters(1, 2, 3)), snapshot.Metadata);
        log.Compact(4);
        Assert.Equal(5UL, log.FirstIndex);
        Assert.Equal(5UL, log.LastIndex);
        Assert.True(log.TryGetTerm(4, out var term) && term == 2); // the snapshot point
        Assert.False(log.TryGetTerm(3, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.GetEntries(4, 6, long.MaxValue, []));
        log.Compact(2); // already compacted: no-op
        Assert.Equal(5UL, log.FirstIndex);
        Assert.Equal((5UL, 3UL), log.Last);
    }

    [Fact]
    public void Snapshots_and_compaction_refuse_to_go_backwards_or_beyond_the_log()
    {
        var log = WithLog(1, 1, 1);
        log.CreateSnapshot(2, Membership.OfVoters(1), []);
        Assert.Throws<InvalidOperationException>(() => log.CreateSnapshot(2, Membership.OfVoters(1), []));
        Assert.Throws<InvalidOperationException>(() => log.CreateSnapshot(9, Membership.OfVoters(1), []));
        Assert.Throws<InvalidOperationException>(() => log.Compact(9));
        var older = new Snapshot(new SnapshotMetadata(1, 1, Membership.OfVoters(1)), []);
        Assert.Throws<InvalidOperationException>(() => log.ApplySnapshot(older));
    }

    [Fact]
    public void ApplySnapshot_replaces_the_whole_log()
    {
        var log = WithLog(1, 1, 1);
        log.ApplySnapshot(new Snapshot(new SnapshotMetadata(10, 4, Membership.OfVoters(1, 2)), B("img")));
        Assert.Equal(11UL, log.FirstIndex);
        Assert.Equal(10UL, log.LastIndex);
        Assert.True(log.TryGetTerm(10, out var term) && term == 4);
        Assert.False(log.TryGetTerm(3, out _));
        Assert.Equal((10UL, 4UL), log.Last);
        log.Append([E(11, 4)]);
        Assert.Equal(11UL, log.LastIndex);
    }
}

/// <summary>UnstableLog: the tail the core holds until the shell reports it durable.</summary>
public class UnstableLogTests
{
    private static UnstableLog With(ulong offset, params ulong[] terms)
    {
        var unstable = new UnstableLog(offset);
        unstable.TruncateAndAppend(terms.Select((t, i) => E(offset + (ulong)i, t)).ToList());
        return unstable;
    }

    [Fact]
    public void Entries_directly_after_the_tail_are_appended()
    {
        var u = With(5, 1, 1);
        u.TruncateAndAppend([E(7, 2)]);
        Assert.Equal(5UL, u.Offset);
        Assert.Equal(7UL, u.LastIndex);
        Assert.Equal(3, u.Count);
    }

    [Fact]
    public void Entries_starting_inside_the_tail_replace_the_rest_of_it()
    {
        var u = With(5, 1, 1, 1);
        u.TruncateAndAppend([E(6, 2)]);
        Assert.Equal(6UL, u.LastIndex);
        Assert.True(u.TryGetTerm(6, out var term) && term == 2);
        Assert.False(u.TryGetTerm(7, out _));
    }

    [Fact]
    public void Entries_starting_before_the_tail_replace_all_of_it_and_move_the_offset_back()
    {
        var u = With(5, 1, 1);
        u.TruncateAndAppend([E(3, 2), E(4, 2)]);
        Assert.Equal(3UL, u.Offset);
        Assert.Equal(4UL, u.LastIndex);
        Assert.False(u.TryGetTerm(5, out _));
    }

    [Fact]
    public void StableTo_drops_the_durable_prefix_but_not_if_the_entry_was_replaced_meanwhile()
    {
        var u = With(5, 1, 1, 1);
        u.StableTo(6, 1);
        Assert.Equal(7UL, u.Offset);
        Assert.Equal(1, u.Count);

        var replaced = With(5, 1, 1, 1);
        replaced.TruncateAndAppend([E(6, 2)]);
        replaced.StableTo(6, 1); // the shell persisted the old term-1 entry 6, which is gone now
        Assert.Equal(5UL, replaced.Offset);
        Assert.Equal(2, replaced.Count);
    }

    [Fact]
    public void An_empty_tail_defers_to_storage()
    {
        var u = new UnstableLog(4);
        Assert.Null(u.LastIndex);
        Assert.Null(u.FirstIndex);
        Assert.False(u.TryGetTerm(3, out _));
    }

    [Fact]
    public void A_restored_snapshot_stands_for_everything_up_to_its_index()
    {
        var u = With(5, 1, 1);
        var snapshot = new Snapshot(new SnapshotMetadata(20, 3, Membership.OfVoters(1)), []);
        u.Restore(snapshot);
        Assert.Equal(21UL, u.Offset);
        Assert.Equal(21UL, u.FirstIndex);
        Assert.Equal(20UL, u.LastIndex);
        Assert.True(u.TryGetTerm(20, out var term) && term == 3);
        Assert.False(u.TryGetTerm(19, out _));
        u.StableSnapshotTo(19);
        Assert.NotNull(u.Snapshot);
        u.StableSnapshotTo(20);
        Assert.Null(u.Snapshot);
    }
}

/// <summary>RaftLog: storage plus unstable tail, with the commit and applied cursors.</summary>
public class RaftLogTests
{
    private static RaftLog Over(MemoryRaftLog storage, ulong applied = 0) => new(storage, applied);

    private static MemoryRaftLog Stored(HardState hardState, params ulong[] terms)
    {
        var storage = new MemoryRaftLog();
        storage.Append(Log(terms));
        storage.SetHardState(hardState);
        return storage;
    }

    [Fact]
    public void It_starts_from_the_persisted_commit_and_never_below_the_snapshot()
    {
        var storage = Stored(new HardState(2, 0, 2), 1, 1, 2, 2);
        Assert.Equal(2UL, Over(storage).Committed);
        storage.CreateSnapshot(3, Membership.OfVoters(1), []);
        storage.Compact(3);
        var log = Over(storage);
        Assert.Equal(3UL, log.Committed);
        Assert.Equal(3UL, log.Applied);
        Assert.Equal(4UL, log.FirstIndex);
        Assert.Throws<ArgumentException>(() => Over(Stored(new HardState(1, 0, 1), 1, 1), applied: 2));
    }

    [Fact]
    public void Terms_are_read_across_storage_and_the_unstable_tail()
    {
        var log = Over(Stored(new HardState(1, 0, 0), 1, 1));
        log.Append([E(3, 2), E(4, 3)]);
        Assert.Equal(new ulong[] { 0, 1, 1, 2, 3, 0 }, Enumerable.Range(0, 6).Select(i => log.Term((ulong)i)));
        Assert.Equal(4UL, log.LastIndex);
        Assert.Equal(3UL, log.LastTerm);
    }

    [Theory]
    [InlineData(3UL, 2UL, true)]
    [InlineData(9UL, 2UL, true)]
    [InlineData(2UL, 2UL, false)]
    [InlineData(9UL, 1UL, false)]
    [InlineData(1UL, 3UL, true)]
    public void A_log_is_at_least_as_up_to_date_if_its_last_term_is_newer_or_equal_and_it_is_no_shorter(ulong lastIndex, ulong lastTerm, bool expected)
    {
        var log = Over(Stored(new HardState(2, 0, 0), 1, 1, 2));
        Assert.Equal(expected, log.IsUpToDate(lastIndex, lastTerm));
    }

    [Fact]
    public void FindConflict_returns_the_first_entry_that_is_new_or_has_another_term()
    {
        var log = Over(Stored(new HardState(2, 0, 0), 1, 1, 2));
        Assert.Equal(0UL, log.FindConflict([E(1, 1), E(2, 1), E(3, 2)]));
        Assert.Equal(4UL, log.FindConflict([E(3, 2), E(4, 2)]));
        Assert.Equal(2UL, log.FindConflict([E(2, 3), E(3, 3)]));
        Assert.Equal(0UL, log.FindConflict([]));
    }

    [Fact]
    public void FindConflictByTerm_walks_back_to_the_last_entry_whose_term_is_at_most_the_given_term()
    {
        var log = Over(Stored(new HardState(5, 0, 0), 1, 1, 3, 3, 5, 5));
        Assert.Equal((6UL, 5UL), log.FindConflictByTerm(6, 5));
        Assert.Equal((4UL, 3UL), log.FindConflictByTerm(6, 4));
        Assert.Equal((2UL, 1UL), log.FindConflictByTerm(6, 2));
        Assert.Equal((0UL, 0UL), log.FindConflictByTerm(6, 0));
        Assert.Equal((9UL, 0UL), log.FindConflictByTerm(9, 5)); // beyond the log: unknown
    }

    [Fact]
    public void MaybeAppend_checks_prevLogTerm_truncates_conflicts_and_commits_no_further_than_the_last_new_entry()
    {
        var log = Over(Stored(new HardState(2, 0, 1), 1, 1, 2, 2));
        Assert.Null(log.MaybeAppend(4, 3, 4, [], out _));
        Assert.Null(log.MaybeAppend(5, 2, 4, [], out _));

        var last = log.MaybeAppend(2, 1, 10, [E(3, 3)], out var from);
        Assert.Equal(3UL, last);
        Assert.Equal(3UL, from);
        Assert.Equal(3UL, log.LastIndex); // entry 4 (term 2) went with the conflict
        Assert.Equal(3UL, log.Committed);

        Assert.Equal(2UL, log.MaybeAppend(1, 1, 10, [E(2, 1)], out var none)); // already held
        Assert.Equal(0UL, none);
        Assert.Equal(3UL, log.LastIndex);
    }

    [Fact]
    public void Overwriting_a_committed_entry_is_refused()
    {
        var log = Over(Stored(new HardState(2, 0, 3), 1, 1, 2));
        Assert.Throws<InvalidOperationException>(() => log.MaybeAppend(1, 1, 3, [E(2, 9)], out _));
        Assert.Throws<InvalidOperationException>(() => log.Append([E(3, 9)]));
    }

    [Fact]
    public void The_commit_index_never_moves_back_nor_past_the_last_entry()
    {
        var log = Over(Stored(new HardState(1, 0, 2), 1, 1, 1));
        log.CommitTo(1);
        Assert.Equal(2UL, log.Committed);
        log.CommitTo(3);
        Assert.Equal(3UL, log.Committed);
        Assert.Throws<InvalidOperationException>(() => log.CommitTo(4));
    }

    [Fact]
    public void Applied_stays_between_its_previous_value_and_the_commit_index()
    {
        var log = Over(Stored(new HardState(1, 0, 2), 1, 1, 1));
        log.AppliedTo(2);
        Assert.Equal(2UL, log.Applied);
        Assert.Throws<InvalidOperationException>(() => log.AppliedTo(3));
        Assert.Throws<InvalidOperationException>(() => log.AppliedTo(1));
    }

    [Fact]
    public void Slice_reads_across_storage_and_unstable_entries_and_honours_the_size_limit()
    {
        var storage = new MemoryRaftLog();
        storage.Append(Enumerable.Range(1, 3).Select(i => new Entry((ulong)i, 1, EntryType.Normal, new byte[100])).ToList());
        var log = Over(storage);
        log.Append(Enumerable.Range(4, 3).Select(i => new Entry((ulong)i, 1, EntryType.Normal, new byte[100])).ToList());

        var all = new List<Entry>();
        log.Slice(2, 7, long.MaxValue, all);
        Assert.Equal(new ulong[] { 2, 3, 4, 5, 6 }, all.Select(e => e.Index));

        var limited = new List<Entry>();
        log.Slice(3, 7, 250, limited); // one from storage, one from the tail
        Assert.Equal(new ulong[] { 3, 4 }, limited.Select(e => e.Index));

        var one = new List<Entry>();
        log.Slice(2, 7, 1, one);
        Assert.Equal(new ulong[] { 2 }, one.Select(e => e.Index));
        Assert.Throws<InvalidOperationException>(() => log.Slice(2, 8, long.MaxValue, []));
    }

    [Fact]
    public void Committed_entries_are_offered_from_applied_to_commit_and_not_while_a_snapshot_is_pending()
    {
        var log = Over(Stored(new HardState(1, 0, 3), 1, 1, 1, 1), applied: 1);
        Assert.True(log.HasNextCommittedEntries);
        var next = new List<Entry>();
        log.NextCommittedEntries(long.MaxValue, next);
        Assert.Equal(new ulong[] { 2, 3 }, next.Select(e => e.Index));

        log.Restore(new Snapshot(new SnapshotMetadata(10, 2, Membership.OfVoters(1)), []));
        Assert.False(log.HasNextCommittedEntries);
        var none = new List<Entry>();
        log.NextCommittedEntries(long.MaxValue, none);
        Assert.Empty(none);
        Assert.Equal(10UL, log.Committed);
        Assert.Equal(11UL, log.FirstIndex);
        Assert.Equal(10UL, log.LastIndex);
    }
}
