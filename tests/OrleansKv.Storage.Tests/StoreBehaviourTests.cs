using OrleansKv.Replica.Storage;
using OrleansKv.Raft;
using static OrleansKv.Storage.Tests.StoreTestKit;

namespace OrleansKv.Storage.Tests;

/// <summary>Rules every storage provider follows; run against each provider by a subclass.</summary>
public abstract class StoreBehaviourTests : IDisposable
{
    private readonly IStorageProvider _provider;

    protected StoreBehaviourTests(IStorageProvider provider) => _provider = provider;

    protected IRaftGroupStore Group(uint id) => _provider.OpenGroup(id);

    public virtual void Dispose() => _provider.Dispose();

    [Fact]
    public void A_new_group_is_empty()
    {
        var store = Group(1);
        Assert.Equal(1u, store.GroupId);
        Assert.Equal(HardState.Empty, store.HardState);
        Assert.Equal(1ul, store.FirstIndex);
        Assert.Equal(0ul, store.LastIndex);
        Assert.True(store.Snapshot.IsEmpty);
        Assert.True(store.TryGetTerm(0, out var term));
        Assert.Equal(0ul, term);
        Assert.False(store.TryGetTerm(1, out _));
    }

    [Fact]
    public void Opening_a_group_twice_gives_the_same_store()
    {
        Assert.Same(Group(4), Group(4));
    }

    [Fact]
    public void Persisted_entries_and_hard_state_are_readable()
    {
        var store = Group(1);
        store.PersistDurably(new RaftWrite(new HardState(2, 1, 2), null, Range(1, 3, 2)));
        Assert.Equal(new HardState(2, 1, 2), store.HardState);
        Assert.Equal(3ul, store.LastIndex);
        Assert.True(store.TryGetTerm(3, out var term));
        Assert.Equal(2ul, term);
        AssertEntries(Range(1, 3, 2), store);
    }

    [Fact]
    public void A_write_is_visible_as_soon_as_Persist_returns()
    {
        var store = Group(1);
        using var durable = new ManualResetEventSlim();
        store.Persist(new RaftWrite(new HardState(1, 1, 0), null, Range(1, 2, 1)), durable.Set);
        Assert.Equal(2ul, store.LastIndex);
        Assert.Equal(1ul, store.HardState.Term);
        Assert.True(durable.Wait(WaitLimit));
    }

    [Fact]
    public void Conflicting_entries_replace_the_suffix()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 5, 1));
        store.AppendDurably(Range(3, 4, 2));
        Assert.Equal(4ul, store.LastIndex);
        AssertEntries([.. Range(1, 2, 1), .. Range(3, 4, 2)], store);
    }

    [Fact]
    public void Appending_after_a_gap_is_rejected()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 2, 1));
        Assert.Throws<InvalidOperationException>(() => store.Persist(new RaftWrite(null, null, Range(5, 6, 1)), () => { }));
        Assert.Equal(2ul, store.LastIndex);
    }

    [Fact]
    public void GetEntries_stops_at_the_byte_limit_but_returns_at_least_one_entry()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 5, 1));
        var one = new List<Entry>();
        store.GetEntries(1, 6, 0, one);
        Assert.Single(one);
        var two = new List<Entry>();
        store.GetEntries(2, 6, one[0].Size * 2, two);
        Assert.Equal([2ul, 3ul], two.Select(e => e.Index));
    }

    [Fact]
    public void Groups_are_independent()
    {
        Group(1).AppendDurably(Range(1, 3, 1));
        Group(2).AppendDurably(Range(1, 1, 5));
        Assert.Equal(3ul, Group(1).LastIndex);
        Assert.Equal(1ul, Group(2).LastIndex);
        Assert.Equal(0ul, Group(3).LastIndex);
    }

    [Fact]
    public void Saving_a_snapshot_compacts_entries_up_to_compactTo()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 10, 1));
        store.SaveSnapshotDurably(SnapshotAt(8, 1), compactTo: 6);
        Assert.Equal(8ul, store.Snapshot.Metadata.Index);
        Assert.Equal(7ul, store.FirstIndex);
        Assert.Equal(10ul, store.LastIndex);
        Assert.True(store.TryGetTerm(6, out _));
        Assert.False(store.TryGetTerm(5, out _));
        AssertEntries(Range(7, 10, 1), store);
    }

    [Fact]
    public void Compacting_beyond_the_snapshot_is_rejected()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(SnapshotAt(5, 1), 6, () => { }));
    }

    [Fact]
    public void A_rejected_snapshot_changes_nothing()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 4, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(SnapshotAt(6, 1), 6, () => { }));
        Assert.True(store.Snapshot.IsEmpty);
        Assert.Equal(1ul, store.FirstIndex);
    }

    [Fact]
    public void A_leader_snapshot_replaces_the_log()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 5, 1));
        store.PersistDurably(new RaftWrite(new HardState(3, 2, 20), SnapshotAt(20, 3, "leader"), []));
        Assert.Equal(20ul, store.Snapshot.Metadata.Index);
        Assert.Equal("leader", System.Text.Encoding.UTF8.GetString(store.Snapshot.Data));
        Assert.Equal(21ul, store.FirstIndex);
        Assert.Equal(20ul, store.LastIndex);
        Assert.True(store.TryGetTerm(20, out var term));
        Assert.Equal(3ul, term);
        store.AppendDurably(Range(21, 22, 3));
        AssertEntries(Range(21, 22, 3), store);
    }

    [Fact]
    public void A_leader_snapshot_inside_the_log_drops_the_entries_after_it_too()
    {
        var store = Group(1);
        store.AppendDurably(Range(1, 10, 1));
        store.PersistDurably(new RaftWrite(null, SnapshotAt(5, 1), []));
        Assert.Equal(6ul, store.FirstIndex);
        Assert.Equal(5ul, store.LastIndex);
    }

    [Fact]
    public void Durable_callbacks_run_in_the_order_of_the_writes()
    {
        var order = new List<int>();
        var store = Group(1);
        using var done = new CountdownEvent(20);
        for (var i = 0; i < 20; i++)
        {
            var n = i;
            store.Persist(new RaftWrite(null, null, [E((ulong)i + 1, 1)]), () => { lock (order) order.Add(n); done.Signal(); });
        }
        Assert.True(done.Wait(WaitLimit));
        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public void An_empty_write_is_still_acknowledged()
    {
        using var durable = new ManualResetEventSlim();
        Group(1).Persist(new RaftWrite(null, null, []), durable.Set);
        Assert.True(durable.Wait(WaitLimit));
    }
}

public sealed class MemoryProviderBehaviourTests() : StoreBehaviourTests(new MemoryStorageProvider())
{
    [Fact]
    public void The_memory_provider_is_named_memory() => Assert.Equal("memory", new MemoryStorageProvider().Name);
}

public sealed class FileProviderBehaviourTests : StoreBehaviourTests
{
    private readonly TempDirectory _directory;

    public FileProviderBehaviourTests() : this(new TempDirectory()) { }

    private FileProviderBehaviourTests(TempDirectory directory)
        : base(new FileStorageProvider(new FileStorageOptions { Directory = directory.Path, SegmentBytes = 4096 })) =>
        _directory = directory;

    public override void Dispose()
    {
        base.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void The_file_provider_is_named_file() => Assert.Equal("file", FileStorageProvider.ProviderName);
}
