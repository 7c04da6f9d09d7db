using Orleans.Storage;
using OrleansKv.Raft;
using OrleansKv.Replica.Storage;
using OrleansKv.Storage.RaftState;
using OrleansKv.Testing;

namespace OrleansKv.Storage.Tests.RaftState;

/// <summary>
/// What a replica's Raft state must do on any Orleans grain storage provider: one suite, run by a
/// subclass per provider. Each test uses its own grain id, so tests share a provider safely.
/// </summary>
public abstract class RaftStateStoreContract
{
    private static int _nextGrain;

    /// <summary>The provider under test.</summary>
    protected abstract IGrainStorage Storage { get; }

    private readonly GrainId _grain = GrainId.Create("raftpeer-test", $"{Guid.NewGuid():N}-{Interlocked.Increment(ref _nextGrain)}");
    private readonly List<Exception> _failures = [];

    private Task<GrainStateRaftStore> OpenAsync(GrainId? grain = null, IGrainStorage? through = null) =>
        GrainStateRaftStore.OpenAsync(1, through ?? Storage, grain ?? _grain, e => { lock (_failures) _failures.Add(e); });

    private static Entry E(ulong index, ulong term, string data = "") =>
        new(index, term, EntryType.Normal, System.Text.Encoding.UTF8.GetBytes(data.Length > 0 ? data : $"entry-{index}-term-{term}"));

    private static Entry[] Range(ulong first, ulong last, ulong term) =>
        [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => E((ulong)i, term))];

    // Persists and waits for the write's callback.
    private static async Task PersistAsync(IRaftGroupStore store, RaftWrite write)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Persist(write, durable.SetResult);
        await durable.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task SaveSnapshotAsync(IRaftGroupStore store, Snapshot snapshot, ulong compactTo)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.SaveSnapshot(snapshot.Metadata, SnapshotSource.FromBytes(snapshot.Data), compactTo, durable.SetResult);
        await durable.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static List<Entry> All(IRaftLog log)
    {
        var entries = new List<Entry>();
        if (log.LastIndex >= log.FirstIndex) log.GetEntries(log.FirstIndex, log.LastIndex + 1, long.MaxValue, entries);
        return entries;
    }

    private static void AssertSameEntries(IReadOnlyList<Entry> expected, IReadOnlyList<Entry> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Index, actual[i].Index);
            Assert.Equal(expected[i].Term, actual[i].Term);
            Assert.Equal(expected[i].Type, actual[i].Type);
            Assert.Equal(expected[i].Data, actual[i].Data);
        }
    }

    [Fact]
    public async Task A_replica_that_never_wrote_opens_empty()
    {
        var store = await OpenAsync();
        Assert.Equal(HardState.Empty, store.HardState);
        Assert.Equal(0UL, store.LastIndex);
        Assert.Equal(1UL, store.FirstIndex);
        Assert.True(store.Snapshot.IsEmpty);
    }

    [Fact]
    public async Task The_hard_state_survives_a_restart()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(3, 7, 0), null, []));
        var reopened = await OpenAsync();
        Assert.Equal(new HardState(3, 7, 0), reopened.HardState);
    }

    [Fact]
    public async Task Appended_entries_survive_a_restart_in_order()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 0), null, Range(1, 5, 1)));
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 5), null, Range(6, 9, 1)));
        var reopened = await OpenAsync();
        AssertSameEntries(Range(1, 9, 1), All(reopened));
        Assert.Equal(new HardState(1, 1, 5), reopened.HardState);
    }

    [Fact]
    public async Task A_conflicting_suffix_is_replaced_and_stays_replaced_after_a_restart()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 2), null, Range(1, 6, 1)));
        // A new leader of term 2 overwrites from index 4 on, with fewer entries.
        await PersistAsync(store, new RaftWrite(new HardState(2, 2, 2), null, Range(4, 5, 2)));
        Entry[] expected = [.. Range(1, 3, 1), .. Range(4, 5, 2)];
        AssertSameEntries(expected, All(store));
        AssertSameEntries(expected, All(await OpenAsync()));
    }

    [Fact]
    public async Task A_commit_only_change_needs_no_write_of_its_own_and_goes_out_with_the_next_one()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 0), null, Range(1, 3, 1)));
        var chunksBefore = store.NextChunk;
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 3), null, [], Sync: false));
        Assert.Equal(chunksBefore, store.NextChunk);
        await PersistAsync(store, new RaftWrite(null, null, Range(4, 4, 1)));
        Assert.Equal(new HardState(1, 1, 3), (await OpenAsync()).HardState);
    }

    [Fact]
    public async Task A_local_snapshot_compacts_the_log_and_frees_the_chunks_before_it()
    {
        var store = await OpenAsync();
        for (ulong first = 1; first <= 20; first += 4) await PersistAsync(store, new RaftWrite(new HardState(1, 1, first + 3), null, Range(first, first + 3, 1)));
        var snapshot = new Snapshot(new SnapshotMetadata(12, 1, new Membership([1, 2, 3], [])), [1, 2, 3, 4]);
        await SaveSnapshotAsync(store, snapshot, compactTo: 12);
        Assert.Equal(13UL, store.FirstIndex);

        var reopened = await OpenAsync();
        Assert.Equal(snapshot.Metadata, reopened.Snapshot.Metadata);
        Assert.Equal(snapshot.Data, reopened.Snapshot.Data);
        AssertSameEntries(Range(13, 20, 1), All(reopened));
        // The chunks that held only entries up to 12 are cleared (asynchronously, after the anchor).
        await WaitUntilClearedAsync(RaftStateNames.LogChunk(1), RaftStateNames.LogChunk(2), RaftStateNames.LogChunk(3));
        Assert.True(await ExistsAsync(RaftStateNames.LogChunk(4)));
    }

    [Fact]
    public async Task Entries_kept_behind_a_local_snapshot_stay_in_memory_but_recovery_starts_after_the_snapshot()
    {
        var store = await OpenAsync();
        for (ulong first = 1; first <= 20; first += 4) await PersistAsync(store, new RaftWrite(new HardState(1, 1, first + 3), null, Range(first, first + 3, 1)));
        var snapshot = new Snapshot(new SnapshotMetadata(14, 1, new Membership([1, 2, 3], [])), [1, 4]);
        await SaveSnapshotAsync(store, snapshot, compactTo: 6);
        // Kept for followers that lag a little: entries 7-14 are still served from memory.
        Assert.Equal(7UL, store.FirstIndex);

        var reopened = await OpenAsync();
        Assert.Equal(snapshot.Metadata, reopened.Snapshot.Metadata);
        AssertSameEntries(Range(15, 20, 1), All(reopened));
        // Every chunk that holds no entry after the snapshot is cleared, the ones holding kept entries too:
        // recovery never reads them.
        await WaitUntilClearedAsync(RaftStateNames.LogChunk(1), RaftStateNames.LogChunk(2), RaftStateNames.LogChunk(3));
        Assert.True(await ExistsAsync(RaftStateNames.LogChunk(4)));
    }

    [Fact]
    public async Task Chunks_a_crash_left_below_the_first_one_needed_are_cleared_when_the_replica_opens()
    {
        var store = await OpenAsync();
        for (ulong first = 1; first <= 12; first += 4) await PersistAsync(store, new RaftWrite(new HardState(1, 1, first + 3), null, Range(first, first + 3, 1)));
        await SaveSnapshotAsync(store, new Snapshot(new SnapshotMetadata(8, 1, new Membership([1], [])), [8]), compactTo: 8);
        await WaitUntilClearedAsync(RaftStateNames.LogChunk(1), RaftStateNames.LogChunk(2));
        // As if the process had died before clearing chunk 2: it is back, below the anchor's first chunk (3).
        await Storage.WriteStateAsync(RaftStateNames.LogChunk(2), _grain, new GrainState<RaftStateRecord>(new RaftStateRecord { Data = [2] }));

        var reopened = await OpenAsync();
        AssertSameEntries(Range(9, 12, 1), All(reopened));
        await WaitUntilClearedAsync(RaftStateNames.LogChunk(2));
    }

    [Fact]
    public async Task A_snapshot_larger_than_one_chunk_is_stored_in_pieces_and_read_back_whole()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 2), null, Range(1, 2, 1)));
        var data = new byte[RaftStateNames.SnapshotChunkBytes * 2 + 1234];
        new Random(7).NextBytes(data);
        await SaveSnapshotAsync(store, new Snapshot(new SnapshotMetadata(2, 1, new Membership([1], [])), data), compactTo: 2);
        Assert.True(await ExistsAsync(RaftStateNames.SnapshotChunk(1, 2)));
        Assert.Equal(data, (await OpenAsync()).Snapshot.Data);
    }

    [Fact]
    public async Task A_leaders_snapshot_replaces_the_whole_log()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 2), null, Range(1, 5, 1)));
        var snapshot = new Snapshot(new SnapshotMetadata(40, 3, new Membership([1, 2, 3], [])), [9, 9]);
        await PersistAsync(store, new RaftWrite(new HardState(3, 0, 40), snapshot, Range(41, 42, 3)));
        var reopened = await OpenAsync();
        Assert.Equal(snapshot.Metadata, reopened.Snapshot.Metadata);
        Assert.Equal(41UL, reopened.FirstIndex);
        AssertSameEntries(Range(41, 42, 3), All(reopened));
        Assert.Equal(new HardState(3, 0, 40), reopened.HardState);
    }

    [Fact]
    public async Task A_leaders_snapshot_leaves_memory_once_durable_and_is_read_back_whole_for_a_follower()
    {
        var store = await OpenAsync();
        var data = new byte[RaftStateNames.SnapshotChunkBytes + 4321];
        new Random(11).NextBytes(data);
        var snapshot = new Snapshot(new SnapshotMetadata(4, 1, new Membership([1, 2, 3], [])), data);
        await PersistAsync(store, new RaftWrite(new HardState(1, 0, 4), snapshot, []));
        // Until a later turn of the replica, the bytes are still held and handed out as they are.
        Assert.Same(snapshot, await store.ReadSnapshotAsync(store.Snapshot));

        await PersistAsync(store, new RaftWrite(null, null, Range(5, 5, 1)));
        Assert.False(store.SnapshotInMemory);
        Assert.Equal(snapshot.Metadata, store.Snapshot.Metadata);
        Assert.Empty(store.Snapshot.Data);
        var read = await store.ReadSnapshotAsync(store.Snapshot);
        Assert.Equal(snapshot.Metadata, read.Metadata);
        Assert.Equal(data, read.Data);
    }

    [Fact]
    public async Task A_local_snapshot_is_pulled_from_its_source_as_its_chunks_are_written_and_never_held_whole()
    {
        var writes = new SnapshotChunkWriteCounter(Storage);
        var store = await OpenAsync(through: writes);
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 6), null, Range(1, 6, 1)));
        var data = new byte[RaftStateNames.SnapshotChunkBytes * 12 + 17];
        new Random(5).NextBytes(data);
        var metadata = new SnapshotMetadata(6, 1, new Membership([1, 2, 3], []));
        ProbedStream? probe = null;
        var source = new SnapshotSource(data.Length, () => probe = new ProbedStream(data, writes));
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.SaveSnapshot(metadata, source, compactTo: 6, durable.SetResult);
        Assert.False(store.SnapshotInMemory);
        Assert.Empty(store.Snapshot.Data);
        // A follower that needs it before its anchor is durable gets it once it is.
        var early = await store.ReadSnapshotAsync(store.Snapshot).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(metadata, early.Metadata);
        Assert.Equal(data, early.Data);
        await durable.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The last chunk's bytes were read only once the chunks before its window were written.
        Assert.Equal(13, writes.Count);
        Assert.True(probe!.WrittenWhenLastChunkRead >= 12 - 4, $"the last chunk was read after only {probe.WrittenWhenLastChunkRead} of 13 chunk writes");
        var reopened = await OpenAsync();
        Assert.Equal(metadata, reopened.Snapshot.Metadata);
        Assert.Equal(data, reopened.Snapshot.Data);
    }

    [Fact]
    public async Task A_local_snapshot_whose_source_yields_the_wrong_number_of_bytes_stops_the_store_and_is_never_anchored()
    {
        foreach (var (yielded, error) in new[] { (9, "ended before its 10 bytes"), (11, "more than its 10 bytes") })
        {
            var grain = GrainId.Create("raftpeer-test", $"{Guid.NewGuid():N}");
            var store = await OpenAsync(grain);
            await PersistAsync(store, new RaftWrite(new HardState(1, 1, 3), null, Range(1, 3, 1)));
            lock (_failures) _failures.Clear();
            var source = new SnapshotSource(10, () => new MemoryStream(new byte[yielded]));
            store.SaveSnapshot(new SnapshotMetadata(3, 1, new Membership([1], [])), source, compactTo: 3, () => Assert.Fail("the snapshot was reported durable"));
            var failure = await Eventually.WaitAsync(() => { lock (_failures) return Task.FromResult(_failures.FirstOrDefault()); }, TimeSpan.FromSeconds(30), "the store to fail");
            Assert.Contains(error, failure.Message);
            Assert.Throws<InvalidOperationException>(() => store.Persist(new RaftWrite(null, null, Range(4, 4, 1)), () => { }));

            var reopened = await OpenAsync(grain);
            Assert.True(reopened.Snapshot.IsEmpty);
            AssertSameEntries(Range(1, 3, 1), All(reopened));
        }
    }

    [Fact]
    public async Task A_snapshot_recovered_at_open_leaves_memory_after_the_first_write()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 3), null, Range(1, 3, 1)));
        await SaveSnapshotAsync(store, new Snapshot(new SnapshotMetadata(3, 1, new Membership([1], [])), [3, 3, 3]), compactTo: 3);

        var reopened = await OpenAsync();
        Assert.Equal([3, 3, 3], reopened.Snapshot.Data);
        await PersistAsync(reopened, new RaftWrite(null, null, Range(4, 4, 1)));
        Assert.False(reopened.SnapshotInMemory);
        Assert.Equal([3, 3, 3], (await reopened.ReadSnapshotAsync(reopened.Snapshot)).Data);
    }

    [Fact]
    public async Task A_released_snapshot_replaced_by_a_later_one_is_read_back_as_the_later_one()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 8), null, Range(1, 8, 1)));
        await SaveSnapshotAsync(store, new Snapshot(new SnapshotMetadata(4, 1, new Membership([1], [])), [4]), compactTo: 4);
        await PersistAsync(store, new RaftWrite(null, null, Range(9, 9, 1)));
        var released = store.Snapshot;
        Assert.Empty(released.Data);

        await SaveSnapshotAsync(store, new Snapshot(new SnapshotMetadata(8, 1, new Membership([1], [])), [8]), compactTo: 8);
        await WaitUntilClearedAsync(RaftStateNames.SnapshotChunk(1, 0));
        var read = await store.ReadSnapshotAsync(released);
        Assert.Equal(8UL, read.Metadata.Index);
        Assert.Equal([8], read.Data);
    }

    [Fact]
    public async Task Appending_after_a_gap_is_refused_and_changes_nothing()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 0), null, Range(1, 2, 1)));
        Assert.Throws<InvalidOperationException>(() => store.Persist(new RaftWrite(null, null, Range(5, 6, 1)), () => { }));
        Assert.Equal(2UL, store.LastIndex);
        AssertSameEntries(Range(1, 2, 1), All(await OpenAsync()));
    }

    [Fact]
    public async Task Reading_entries_stops_at_the_byte_limit_but_returns_at_least_one()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 0), null, Range(1, 5, 1)));
        var one = new List<Entry>();
        store.GetEntries(1, 6, 0, one);
        Assert.Single(one);
        var two = new List<Entry>();
        store.GetEntries(2, 6, one[0].Size * 2, two);
        Assert.Equal([2UL, 3UL], two.Select(e => e.Index));
    }

    [Fact]
    public async Task A_snapshot_that_would_compact_past_itself_or_the_log_is_refused_and_changes_nothing()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 4), null, Range(1, 4, 1)));
        var membership = new Membership([1], []);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(new SnapshotMetadata(3, 1, membership), SnapshotSource.FromBytes([3]), 4, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(new SnapshotMetadata(6, 1, membership), SnapshotSource.FromBytes([6]), 6, () => { }));
        Assert.True(store.Snapshot.IsEmpty);
        Assert.Equal(1UL, store.FirstIndex);
        Assert.True((await OpenAsync()).Snapshot.IsEmpty);
    }

    [Fact]
    public async Task A_leaders_snapshot_inside_the_log_drops_the_entries_after_it_too()
    {
        var store = await OpenAsync();
        await PersistAsync(store, new RaftWrite(new HardState(1, 1, 2), null, Range(1, 10, 1)));
        await PersistAsync(store, new RaftWrite(null, new Snapshot(new SnapshotMetadata(5, 1, new Membership([1], [])), [5]), []));
        Assert.Equal(6UL, store.FirstIndex);
        Assert.Equal(5UL, store.LastIndex);
        var reopened = await OpenAsync();
        Assert.Equal(6UL, reopened.FirstIndex);
        Assert.Equal(5UL, reopened.LastIndex);
    }

    [Fact]
    public async Task Durable_callbacks_run_in_the_order_of_the_writes()
    {
        var store = await OpenAsync();
        var order = new List<int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 20; i++)
        {
            var n = i;
            store.Persist(new RaftWrite(null, null, Range((ulong)i + 1, (ulong)i + 1, 1)), () =>
            {
                lock (order)
                {
                    order.Add(n);
                    if (order.Count == 20) all.SetResult();
                }
            });
        }
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public async Task The_raft_core_driven_over_the_store_recovers_its_log_and_commit_after_a_restart()
    {
        static RaftNode NewNode(IRaftLog log) => new(new RaftOptions { Id = 1, InitialMembership = Membership.OfVoters(1), Random = new Random(1) }, log);
        // The shell's loop: persist each Ready, wait until it is durable, then advance.
        static async Task DrainAsync(RaftNode node, IRaftGroupStore store)
        {
            for (var round = 0; round < 100 && node.HasReady; round++)
            {
                var ready = node.GetReady();
                await PersistAsync(store, RaftWrite.From(ready));
                node.Advance(ready);
            }
        }

        var store = await OpenAsync();
        var node = NewNode(store);
        for (var tick = 0; tick < 100 && node.Role != RaftRole.Leader; tick++)
        {
            node.Tick();
            await DrainAsync(node, store);
        }
        Assert.Equal(RaftRole.Leader, node.Role);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ProposalStatus.Appended, node.Propose(System.Text.Encoding.UTF8.GetBytes($"cmd-{i}")).Status);
            await DrainAsync(node, store);
        }
        Assert.Equal(node.LastIndex, node.Commit);

        var restarted = NewNode(await OpenAsync());
        Assert.Equal(node.LastIndex, restarted.LastIndex);
        // The last Ready only moved the commit index, which waits for the next write (Raft may
        // lose it); every commit carried by an entry write is back.
        Assert.Equal(node.Commit - 1, restarted.Commit);
        Assert.Equal(node.Term, restarted.Term);
        var commands = restarted.GetEntries(1, node.LastIndex + 1).Where(e => e.Data.Length > 0)
            .Select(e => System.Text.Encoding.UTF8.GetString(e.Data)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"cmd-{i}"), commands);
    }

    [Fact]
    public async Task A_second_activation_writing_the_same_replica_is_refused_and_nothing_forks()
    {
        var first = await OpenAsync();
        await PersistAsync(first, new RaftWrite(new HardState(1, 1, 0), null, Range(1, 2, 1)));
        var second = await OpenAsync();
        // Both now write chunk 2; whichever comes second hits the ETag and stops.
        await PersistAsync(second, new RaftWrite(new HardState(2, 2, 0), null, Range(3, 3, 2)));
        var refused = new TaskCompletionSource();
        first.Persist(new RaftWrite(new HardState(1, 1, 0), null, Range(3, 4, 1)), refused.SetResult);
        await Eventually.WaitAsync(() => { lock (_failures) return Task.FromResult(_failures.Count == 1); }, TimeSpan.FromSeconds(30), "the stale activation's write to fail");
        Assert.IsType<InconsistentStateException>(_failures[0], exactMatch: false);
        Assert.False(refused.Task.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => first.Persist(new RaftWrite(null, null, Range(5, 5, 1)), () => { }));
        AssertSameEntries([.. Range(1, 2, 1), .. Range(3, 3, 2)], All(await OpenAsync()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_random_workload_matches_an_in_memory_model_after_every_step_and_restart(int seed)
    {
        var random = new Random(seed);
        var store = await OpenAsync();
        var model = new List<Entry>();
        var snapshotIndex = 0UL;
        ulong term = 1;
        var hardState = HardState.Empty;
        for (var step = 0; step < 60; step++)
        {
            var action = random.Next(10);
            if (action < 6 || model.Count == 0)
            {
                // Append, sometimes replacing a suffix with a newer term.
                var from = model.Count == 0 ? snapshotIndex + 1 : (random.Next(4) == 0 ? Math.Max(snapshotIndex + 1, model[^1].Index - (ulong)random.Next(3)) : model[^1].Index + 1);
                if (from <= (model.Count == 0 ? snapshotIndex : model[^1].Index)) term++;
                var entries = Range(from, from + (ulong)random.Next(1, 6), term);
                model.RemoveAll(e => e.Index >= from);
                model.AddRange(entries);
                hardState = new HardState(term, 1, Math.Min(hardState.Commit, entries[^1].Index));
                await PersistAsync(store, new RaftWrite(hardState, null, entries));
            }
            else if (action < 8)
            {
                var compactTo = model[random.Next(model.Count)].Index;
                var at = model.First(e => e.Index == compactTo);
                await SaveSnapshotAsync(store, new Snapshot(new SnapshotMetadata(compactTo, at.Term, new Membership([1], [])), [(byte)step]), compactTo);
                snapshotIndex = compactTo;
                model.RemoveAll(e => e.Index <= compactTo);
            }
            else
            {
                store = await OpenAsync();
            }
            AssertSameEntries(model, All(store));
            Assert.Equal(hardState, store.HardState);
            Assert.Equal(snapshotIndex, store.Snapshot.Metadata.Index);
        }
        var reopened = await OpenAsync();
        AssertSameEntries(model, All(reopened));
        Assert.Equal(hardState, reopened.HardState);
    }

    private async Task<bool> ExistsAsync(string name)
    {
        var state = new GrainState<RaftStateRecord>(new RaftStateRecord());
        await Storage.ReadStateAsync(name, _grain, state);
        return state.RecordExists;
    }

    private async Task WaitUntilClearedAsync(params string[] names)
    {
        foreach (var name in names)
            await Eventually.WaitAsync(async () => !await ExistsAsync(name), TimeSpan.FromSeconds(30), $"{name} to be cleared");
    }

    /// <summary>Counts the snapshot chunk writes the provider has completed.</summary>
    private sealed class SnapshotChunkWriteCounter(IGrainStorage inner) : IGrainStorage
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
            if (stateName.StartsWith("raft-snap-", StringComparison.Ordinal)) Interlocked.Increment(ref _count);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }

    /// <summary>A snapshot's bytes, handed out at most 1000 at a time, noting how many chunks were written when the last chunk's bytes were first read.</summary>
    private sealed class ProbedStream(byte[] data, SnapshotChunkWriteCounter writes) : MemoryStream(data, writable: false)
    {
        public int WrittenWhenLastChunkRead { get; private set; } = -1;

        // A MemoryStream subclass's span reads come through here too.
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (WrittenWhenLastChunkRead < 0 && Position + count > Length - Length % RaftStateNames.SnapshotChunkBytes)
                WrittenWhenLastChunkRead = writes.Count;
            return base.Read(buffer, offset, Math.Min(count, 1000));
        }
    }
}
