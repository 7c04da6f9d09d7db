using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>
/// The file provider keeps a bounded number of entry bytes and no durable snapshot bytes in memory:
/// what it drops it reads back from the log segments and the snapshot file, unchanged.
/// </summary>
public sealed class EntryCacheTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStorageProvider Open(long cacheBytes, long segmentBytes = 64L << 20) =>
        new(new FileStorageOptions { Directory = _directory.Path, MaxCachedEntryBytes = cacheBytes, SegmentBytes = segmentBytes });

    private static Entry[] Batch(ulong first, int count, ulong term) =>
        Enumerable.Range(0, count).Select(i => E(first + (ulong)i, term, $"entry-{first + (ulong)i}-term-{term}-" + new string('x', 20))).ToArray();

    [Fact]
    public void Entries_past_the_cache_budget_leave_memory_and_are_read_back_from_the_segments()
    {
        using var provider = Open(cacheBytes: 1024, segmentBytes: 4096);
        var store = (FileGroupStore)provider.OpenGroup(1);
        var written = new List<Entry>();
        for (ulong first = 1; first <= 300; first += 3)
        {
            var batch = Batch(first, 3, 1);
            store.AppendDurably(batch);
            written.AddRange(batch);
            Assert.True(store.CachedEntryBytes <= 1024 + 3 * 60, $"{store.CachedEntryBytes} entry bytes held after entry {first + 2}");
        }

        Assert.True(_directory.Segments().Length > 3, "the entries should span several segments");
        AssertEntries(written, store);
        // A size-limited read stops at the same entry as it would in memory: each of these is ~60 bytes.
        var some = new List<Entry>();
        store.GetEntries(10, 300, maxBytes: 150, some);
        Assert.Equal([10ul, 11ul], some.Select(e => e.Index));
    }

    [Fact]
    public void A_rewritten_suffix_is_read_back_as_rewritten_not_as_first_written()
    {
        using var provider = Open(cacheBytes: 1);
        var store = provider.OpenGroup(1);
        for (ulong first = 1; first <= 60; first += 5) store.AppendDurably(Batch(first, 5, 1));
        store.AppendDurably(Batch(40, 4, 2));
        store.AppendDurably(Batch(44, 27, 2));

        AssertEntries(Batch(1, 39, 1).Concat(Batch(40, 31, 2)), store);
    }

    [Fact]
    public void Entries_recovered_from_the_log_leave_memory_on_the_next_write_and_are_read_back()
    {
        using (var provider = Open(cacheBytes: 4L << 20))
        {
            var store = provider.OpenGroup(1);
            for (ulong first = 1; first <= 200; first += 10) store.AppendDurably(Batch(first, 10, 1));
        }

        using var reopened = Open(cacheBytes: 64);
        var recovered = (FileGroupStore)reopened.OpenGroup(1);
        Assert.True(recovered.CachedEntryBytes > 64, "recovery loads the entries");
        recovered.AppendDurably(Batch(201, 1, 1));
        Assert.True(recovered.CachedEntryBytes <= 64, $"{recovered.CachedEntryBytes} entry bytes held");
        AssertEntries(Batch(1, 201, 1), recovered);
    }

    [Fact]
    public void A_local_snapshot_leaves_memory_once_durable_and_is_read_back_from_its_file()
    {
        using var provider = Open(cacheBytes: 4L << 20);
        var store = (FileGroupStore)provider.OpenGroup(1);
        store.AppendDurably(Batch(1, 10, 1));
        var image = string.Concat(Enumerable.Range(0, 2000).Select(i => $"k{i}=v{i};"));
        store.SaveSnapshotDurably(SnapshotAt(10, 1, image), compactTo: 5);
        store.AppendDurably(Batch(11, 1, 1));

        Assert.False(store.SnapshotInMemory);
        Assert.Equal(new SnapshotMetadata(10, 1, Membership.OfVoters(1, 2, 3)), store.SnapshotMetadata);
        Assert.Equal(image, System.Text.Encoding.UTF8.GetString(store.Snapshot.Data));
    }

    [Fact]
    public void A_leader_snapshot_leaves_memory_once_durable_and_is_read_back_from_its_file()
    {
        using var provider = Open(cacheBytes: 4L << 20);
        var store = (FileGroupStore)provider.OpenGroup(1);
        store.PersistDurably(new RaftWrite(new HardState(3, 2, 50), SnapshotAt(50, 3, "leader-image"), []));
        Assert.True(store.SnapshotInMemory, "nothing has run since it became durable");
        store.AppendDurably(Batch(51, 1, 3));

        Assert.False(store.SnapshotInMemory);
        Assert.Equal("leader-image", System.Text.Encoding.UTF8.GetString(store.Snapshot.Data));
        Assert.Equal(50ul, store.Snapshot.Metadata.Index);
    }

    [Fact]
    public void A_staged_snapshot_of_several_sync_chunks_is_streamed_to_its_file_and_recovered_byte_for_byte()
    {
        var image = new byte[(3 << 20) + 12_345];
        new Random(5).NextBytes(image);
        using (var provider = Open(cacheBytes: 4L << 20))
        {
            var store = (FileGroupStore)provider.OpenGroup(2);
            store.AppendDurably(Batch(1, 10, 1));
            var staged = store.StageSnapshot(new SnapshotMetadata(8, 1, Membership.OfVoters(1, 2, 3)), image.Length,
                stream => { for (var at = 0; at < image.Length; at += 100_000) stream.Write(image.AsSpan(at, Math.Min(100_000, image.Length - at))); });
            store.SaveSnapshotDurably(staged, compactTo: 8);
            Assert.False(store.SnapshotInMemory);
            Assert.Equal(image, store.Snapshot.Data);
        }
        using var reopened = Open(cacheBytes: 4L << 20);
        Assert.Equal(image, reopened.OpenGroup(2).Snapshot.Data);
    }

    [Fact]
    public void A_staged_snapshot_that_writes_fewer_bytes_than_announced_is_refused_and_leaves_no_snapshot_file()
    {
        using var provider = Open(cacheBytes: 4L << 20);
        var store = provider.OpenGroup(2);
        store.AppendDurably(Batch(1, 10, 1));
        Assert.Throws<InvalidOperationException>(() =>
            store.StageSnapshot(new SnapshotMetadata(8, 1, Membership.OfVoters(1, 2, 3)), 100, stream => stream.Write(new byte[99])));
        Assert.Empty(_directory.Snapshots());
    }
}
