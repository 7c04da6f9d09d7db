using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>The file provider's writer: batching, callback order, back-pressure and fail-stop.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private FileStorageProvider Open(long maxQueuedBytes = 64L << 20, Action<Exception>? onFatal = null) =>
        new(new FileStorageOptions { Directory = _directory.Path, MaxQueuedBytes = maxQueuedBytes }, onFatal);

    [Fact]
    public void Callbacks_run_only_after_their_batch_is_fsynced_and_in_write_order()
    {
        using var provider = Open();
        using var writerAtSync = new ManualResetEventSlim();
        using var releaseSync = new ManualResetEventSlim();
        provider.BeforeSync = () => { writerAtSync.Set(); releaseSync.Wait(WaitLimit); };
        var syncsBefore = provider.SyncCount;

        var order = new List<(int Write, long SyncsSeen)>();
        var store = provider.OpenGroup(1);
        using var done = new CountdownEvent(10);
        for (var i = 0; i < 10; i++)
        {
            var n = i;
            store.Persist(new RaftWrite(null, null, [E((ulong)i + 1, 1)]), () =>
            {
                lock (order) order.Add((n, provider.SyncCount));
                done.Signal();
            });
        }

        Assert.True(writerAtSync.Wait(WaitLimit), "the writer never reached its fsync");
        lock (order) Assert.Empty(order); // written but not yet fsynced: nobody may be told it is durable
        provider.BeforeSync = null;
        releaseSync.Set();
        Assert.True(done.Wait(WaitLimit));
        Assert.Equal(Enumerable.Range(0, 10), order.Select(o => o.Write));
        Assert.All(order, o => Assert.True(o.SyncsSeen > syncsBefore));
    }

    [Fact]
    public void Concurrent_writes_of_many_groups_share_fsyncs()
    {
        using var provider = Open();
        const int groups = 4, writesPerGroup = 25;
        using var firstBatchAtSync = new ManualResetEventSlim();
        using var allQueued = new ManualResetEventSlim();
        // Hold the first batch at its fsync until every write is queued, so the rest must batch up.
        provider.BeforeSync = () => { firstBatchAtSync.Set(); allQueued.Wait(WaitLimit); };
        var syncsBefore = provider.SyncCount;
        using var done = new CountdownEvent(groups * writesPerGroup);
        var perGroupOrder = Enumerable.Range(0, groups).Select(_ => new List<ulong>()).ToArray();

        var writers = Enumerable.Range(0, groups).Select(g => new Thread(() =>
        {
            var store = provider.OpenGroup((uint)g + 1);
            for (ulong i = 1; i <= writesPerGroup; i++)
            {
                var index = i;
                store.Persist(new RaftWrite(new HardState(1, 1, index - 1), null, [E(index, 1)]), () =>
                {
                    lock (perGroupOrder) perGroupOrder[g].Add(index);
                    done.Signal();
                });
            }
        })).ToList();
        writers.ForEach(t => t.Start());
        writers.ForEach(t => Assert.True(t.Join(WaitLimit)));
        Assert.True(firstBatchAtSync.Wait(WaitLimit));
        allQueued.Set();
        Assert.True(done.Wait(WaitLimit));

        var syncs = provider.SyncCount - syncsBefore;
        Assert.True(syncs < groups * writesPerGroup, $"{syncs} fsyncs for {groups * writesPerGroup} writes");
        Assert.True(syncs <= 3, $"expected the queued writes to share a batch, saw {syncs} fsyncs");
        foreach (var order in perGroupOrder) Assert.Equal(Enumerable.Range(1, writesPerGroup).Select(i => (ulong)i), order);
    }

    [Fact]
    public void A_commit_index_update_is_written_without_an_fsync_and_survives_a_clean_reopen()
    {
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            store.PersistDurably(new RaftWrite(new HardState(1, 1, 0), null, [E(1, 1), E(2, 1)]));
            var syncsBefore = provider.SyncCount;
            using var written = new ManualResetEventSlim();
            store.Persist(new RaftWrite(new HardState(1, 1, 2), null, [], Sync: false), written.Set);
            Assert.True(written.Wait(WaitLimit));
            Assert.Equal(syncsBefore, provider.SyncCount);
        }
        // Closing syncs the unsynced tail, so the commit index is there after a clean stop.
        using var reopened = Open();
        Assert.Equal(new HardState(1, 1, 2), reopened.OpenGroup(1).HardState);
    }

    [Fact]
    public void Persist_never_waits_and_a_queue_over_its_byte_limit_reports_back_pressure_until_it_drains()
    {
        using var provider = Open(maxQueuedBytes: 1000);
        using var writerAtSync = new ManualResetEventSlim();
        using var releaseSync = new ManualResetEventSlim();
        provider.BeforeSync = () => { writerAtSync.Set(); releaseSync.Wait(WaitLimit); };
        var store = provider.OpenGroup(1);
        store.Persist(new RaftWrite(null, null, [E(1, 1)]), () => { });
        Assert.True(writerAtSync.Wait(WaitLimit)); // the writer holds batch 1; later writes queue up
        Assert.False(store.IsBackedUp);

        store.Persist(new RaftWrite(null, null, [E(2, 1, new string('q', 1200))]), () => { }); // fills the queue
        Assert.True(store.IsBackedUp);
        // A write over the budget is still taken at once: the caller is a grain turn and must not wait.
        using var thirdDone = new ManualResetEventSlim();
        store.Persist(new RaftWrite(null, null, [E(3, 1)]), thirdDone.Set);
        Assert.True(store.IsBackedUp);
        Assert.False(thirdDone.IsSet);

        provider.BeforeSync = null;
        releaseSync.Set();
        Assert.True(thirdDone.Wait(WaitLimit), "the queued writes should become durable once the writer drains the queue");
        Assert.False(store.IsBackedUp);
        Assert.Equal(3ul, store.LastIndex);
    }

    [Fact]
    public void A_failed_fsync_calls_the_fatal_action_and_never_acknowledges()
    {
        using var failed = new ManualResetEventSlim();
        Exception? reported = null;
        using var provider = Open(onFatal: e => { reported = e; failed.Set(); });
        provider.BeforeSync = () => throw new IOException("disk on fire");
        var acknowledged = false;
        var store = provider.OpenGroup(1);
        store.Persist(new RaftWrite(null, null, [E(1, 1)]), () => acknowledged = true);

        Assert.True(failed.Wait(WaitLimit));
        Assert.IsType<IOException>(reported);
        Assert.False(acknowledged);
        Assert.Throws<IOException>(() => store.Persist(new RaftWrite(null, null, [E(2, 1)]), () => { }));
    }

    [Fact]
    public void Disposing_finishes_queued_writes_first()
    {
        var acknowledged = 0;
        using (var provider = Open())
        {
            var store = provider.OpenGroup(1);
            for (ulong i = 1; i <= 50; i++) store.Persist(new RaftWrite(null, null, [E(i, 1)]), () => Interlocked.Increment(ref acknowledged));
        }
        Assert.Equal(50, acknowledged);
        using var reopened = Open();
        Assert.Equal(50ul, reopened.OpenGroup(1).LastIndex);
    }
}
