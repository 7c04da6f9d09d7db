using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>Snapshots and compaction in the file provider: files written, segments freed, recovery from the snapshot.</summary>
public sealed class SnapshotRecoveryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStorageProvider Open(long segmentBytes = 64L << 20) =>
        new(new FileStorageOptions { Directory = _directory.Path, SegmentBytes = segmentBytes });

    [Fact]
    public void Compaction_deletes_old_segments_and_recovery_starts_from_the_snapshot()
    {
        using (var provider = Open(segmentBytes: 400))
        {
            var store = provider.OpenGroup(1);
            for (ulong i = 1; i <= 40; i++) store.AppendDurably(E(i, 2, new string('a', 40)));
            var before = _directory.Segments();
            Assert.True(before.Length > 5);

            store.PersistDurably(new RaftWrite(new HardState(2, 1, 40), null, []));
            store.SaveSnapshotDurably(SnapshotAt(40, 2, "image-40"), compactTo: 38);
            store.AppendDurably(E(41, 2)); // one more batch: segment deletion runs after each batch
            var after = _directory.Segments();
            Assert.True(after.Length < before.Length, $"{after.Length} segments left of {before.Length}");
            Assert.DoesNotContain(before[0], after);
            Assert.Single(_directory.Snapshots());
        }

        using var reopened = Open(segmentBytes: 400);
        var recovered = reopened.OpenGroup(1);
        Assert.Equal(40ul, recovered.Snapshot.Metadata.Index);
        Assert.Equal(2ul, recovered.Snapshot.Metadata.Term);
        Assert.Equal(Membership.OfVoters(1, 2, 3), recovered.Snapshot.Metadata.Membership);
        Assert.Equal("image-40", System.Text.Encoding.UTF8.GetString(recovered.Snapshot.Data));
        Assert.Equal(39ul, recovered.FirstIndex);
        Assert.Equal(41ul, recovered.LastIndex);
        Assert.True(recovered.TryGetTerm(38, out var term));
        Assert.Equal(2ul, term);
        Assert.Equal(new HardState(2, 1, 40), recovered.HardState);
    }

    [Fact]
    public void A_segment_is_kept_while_another_group_still_needs_its_entries()
    {
        using var provider = Open(segmentBytes: 300);
        var busy = provider.OpenGroup(1);
        var idle = provider.OpenGroup(2);
        idle.AppendDurably(E(1, 1, "idle-entry"));
        var first = _directory.Segments()[0];
        for (ulong i = 1; i <= 20; i++) busy.AppendDurably(E(i, 1, new string('b', 40)));
        busy.SaveSnapshotDurably(SnapshotAt(20, 1), compactTo: 20);
        busy.AppendDurably(E(21, 1));
        Assert.Contains(first, _directory.Segments());

        idle.SaveSnapshotDurably(SnapshotAt(1, 1), compactTo: 1);
        busy.AppendDurably(E(22, 1));
        Assert.DoesNotContain(first, _directory.Segments());
    }

    [Fact]
    public void A_snapshot_staged_off_the_turn_and_then_saved_is_recovered_and_a_staged_one_never_saved_is_removed()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(3);
            store.AppendDurably(Range(1, 10, 1));
            Snapshot? staged = null;
            var thread = new Thread(() => staged = store.Stage(SnapshotAt(6, 1, "staged")));
            thread.Start();
            Assert.True(thread.Join(WaitLimit));
            Assert.Empty(staged!.Data); // the file provider keeps the bytes in the file only
            store.SaveSnapshotDurably(staged, compactTo: 6);
            Assert.Equal("staged", System.Text.Encoding.UTF8.GetString(store.Snapshot.Data));
            store.Stage(SnapshotAt(9, 1, "never saved"));
        }
        using var reopened = Open();
        var recovered = reopened.OpenGroup(3);
        Assert.Equal("staged", System.Text.Encoding.UTF8.GetString(recovered.Snapshot.Data));
        Assert.EndsWith("snap-3-0000000000000006.snap", Assert.Single(_directory.Snapshots()));
    }

    [Fact]
    public void Old_snapshot_files_are_deleted_once_a_newer_one_is_durable()
    {
        using var provider = Open();
        var store = provider.OpenGroup(3);
        store.AppendDurably(Range(1, 10, 1));
        store.SaveSnapshotDurably(SnapshotAt(5, 1), compactTo: 5);
        Assert.EndsWith("snap-3-0000000000000005.snap", Assert.Single(_directory.Snapshots()));
        store.SaveSnapshotDurably(SnapshotAt(9, 1), compactTo: 9);
        Assert.EndsWith("snap-3-0000000000000009.snap", Assert.Single(_directory.Snapshots()));
    }

    [Fact]
    public void A_leader_snapshot_replaces_the_log_across_reopening()
    {
        using (var provider = Open(segmentBytes: 300))
        {
            var store = provider.OpenGroup(1);
            store.AppendDurably(Range(1, 30, 1));
            store.PersistDurably(new RaftWrite(new HardState(5, 2, 25), SnapshotAt(25, 4, "from-leader"), Range(26, 27, 5)));
        }
        using var reopened = Open(segmentBytes: 300);
        var recovered = reopened.OpenGroup(1);
        Assert.Equal("from-leader", System.Text.Encoding.UTF8.GetString(recovered.Snapshot.Data));
        Assert.Equal(26ul, recovered.FirstIndex);
        Assert.True(recovered.TryGetTerm(25, out var term));
        Assert.Equal(4ul, term);
        AssertEntries(Range(26, 27, 5), recovered);
        Assert.Equal(new HardState(5, 2, 25), recovered.HardState);
    }

    [Fact]
    public void An_unfinished_snapshot_file_is_removed_on_recovery()
    {
        using (var provider = Open()) provider.OpenGroup(1).AppendDurably(Range(1, 3, 1));
        File.WriteAllText(Path.Combine(_directory.Path, "snap-1-0000000000000003.tmp"), "half");
        File.WriteAllText(Path.Combine(_directory.Path, "snap-1-0000000000000003.snap"), "never logged");
        using var reopened = Open();
        Assert.Empty(_directory.Snapshots());
        Assert.True(reopened.OpenGroup(1).Snapshot.IsEmpty);
    }

    [Fact]
    public void A_damaged_snapshot_file_refuses_to_open()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            store.AppendDurably(Range(1, 3, 1));
            store.SaveSnapshotDurably(SnapshotAt(3, 1, "payload"), compactTo: 3);
        }
        var file = Assert.Single(_directory.Snapshots());
        var bytes = File.ReadAllBytes(file);
        bytes[^6] ^= 1;
        File.WriteAllBytes(file, bytes);
        var error = Assert.Throws<WalCorruptionException>(() => Open());
        Assert.Equal(file, error.File);
    }
}
