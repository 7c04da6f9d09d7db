using Orleans.Storage;
using OrleansKv.Storage.GrainStorage;
using OrleansKv.Testing;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>What any Orleans grain storage provider promises, on the <c>file</c> provider: reads, writes, clears, ETags, restarts and reclamation.</summary>
public sealed class FileGrainStorageContractTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ProviderHarness _harness = new();

    public void Dispose()
    {
        _harness.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_state_never_written_reads_as_missing_with_no_etag_and_a_new_instance()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var state = await ProviderHarness.ReadAsync(storage, "a");
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal(0, state.State!.Value);
    }

    [Fact]
    public async Task A_written_state_reads_back_with_the_etag_the_write_returned()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var written = await ProviderHarness.WriteAsync(storage, "a", 7, null);
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        var read = await ProviderHarness.ReadAsync(storage, "a");
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(7, read.State!.Value);
        Assert.Equal("a:7", read.State.Text);
    }

    [Fact]
    public async Task An_overwrite_with_the_current_etag_replaces_the_state_and_changes_the_etag()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var first = await ProviderHarness.WriteAsync(storage, "a", 1, null);
        var second = await ProviderHarness.WriteAsync(storage, "a", 2, first.ETag);
        Assert.NotEqual(first.ETag, second.ETag);
        var read = await ProviderHarness.ReadAsync(storage, "a");
        Assert.Equal(2, read.State!.Value);
        Assert.Equal(second.ETag, read.ETag);
    }

    [Fact]
    public async Task A_clear_removes_the_state_resets_etag_and_record_exists_and_a_null_etag_writes_again()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var written = await ProviderHarness.WriteAsync(storage, "a", 1, null);
        var clearing = new GrainState<TestState>(written.State, written.ETag) { RecordExists = true };
        await storage.ClearStateAsync("state", ProviderHarness.Grain("a"), clearing);
        Assert.Null(clearing.ETag);
        Assert.False(clearing.RecordExists);
        Assert.Equal(0, clearing.State!.Value);

        var read = await ProviderHarness.ReadAsync(storage, "a");
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);

        var again = await ProviderHarness.WriteAsync(storage, "a", 3, null);
        Assert.Equal(3, (await ProviderHarness.ReadAsync(storage, "a")).State!.Value);
        Assert.NotEqual(written.ETag, again.ETag);
    }

    [Fact]
    public async Task Clearing_a_state_that_does_not_exist_with_a_null_etag_succeeds_and_writes_nothing()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var state = new GrainState<TestState>();
        await storage.ClearStateAsync("state", ProviderHarness.Grain("nothing"), state);
        Assert.Null(state.ETag);
        Assert.Equal(0, storage.Statistics.Records);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_changes_nothing()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var first = await ProviderHarness.WriteAsync(storage, "a", 1, null);
        var second = await ProviderHarness.WriteAsync(storage, "a", 2, first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => ProviderHarness.WriteAsync(storage, "a", 3, first.ETag));
        var read = await ProviderHarness.ReadAsync(storage, "a");
        Assert.Equal(2, read.State!.Value);
        Assert.Equal(second.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_null_etag_over_an_existing_state_is_refused()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        await ProviderHarness.WriteAsync(storage, "a", 1, null);
        await Assert.ThrowsAsync<InconsistentStateException>(() => ProviderHarness.WriteAsync(storage, "a", 2, null));
        Assert.Equal(1, (await ProviderHarness.ReadAsync(storage, "a")).State!.Value);
    }

    [Fact]
    public async Task A_write_with_an_etag_for_a_state_that_does_not_exist_is_refused()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        await Assert.ThrowsAsync<InconsistentStateException>(() => ProviderHarness.WriteAsync(storage, "a", 1, "12"));
        Assert.False((await ProviderHarness.ReadAsync(storage, "a")).RecordExists);
    }

    [Fact]
    public async Task A_clear_with_a_stale_or_missing_etag_is_refused_and_keeps_the_state()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var first = await ProviderHarness.WriteAsync(storage, "a", 1, null);
        await ProviderHarness.WriteAsync(storage, "a", 2, first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", ProviderHarness.Grain("a"), new GrainState<TestState>(new TestState(), first.ETag)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", ProviderHarness.Grain("a"), new GrainState<TestState>()));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", ProviderHarness.Grain("b"), new GrainState<TestState>(new TestState(), "5")));
        Assert.Equal(2, (await ProviderHarness.ReadAsync(storage, "a")).State!.Value);
    }

    [Fact]
    public async Task Many_grains_and_state_names_are_kept_apart()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var writes = new List<Task>();
        for (var g = 0; g < 20; g++)
            for (var s = 0; s < 5; s++)
                writes.Add(ProviderHarness.WriteAsync(storage, $"g{g}", g * 100 + s, null, stateName: $"s{s}"));
        await Task.WhenAll(writes);
        for (var g = 0; g < 20; g++)
            for (var s = 0; s < 5; s++)
                Assert.Equal(g * 100 + s, (await ProviderHarness.ReadAsync(storage, $"g{g}", $"s{s}")).State!.Value);
        // Same grain key under another grain type is another state.
        var other = new GrainState<TestState>();
        await storage.ReadStateAsync("s0", GrainId.Create("other", "g0"), other);
        Assert.False(other.RecordExists);
    }

    [Fact]
    public async Task States_etags_and_clears_survive_closing_and_reopening_the_directory()
    {
        string? etagA, etagB;
        await using (var storage = await _harness.OpenAsync(_dir.Path))
        {
            etagA = (await ProviderHarness.WriteAsync(storage, "a", 1, null)).ETag;
            var b = await ProviderHarness.WriteAsync(storage, "b", 2, null);
            etagB = (await ProviderHarness.WriteAsync(storage, "b", 3, b.ETag)).ETag;
            var c = await ProviderHarness.WriteAsync(storage, "c", 4, null);
            await storage.ClearStateAsync("state", ProviderHarness.Grain("c"), c);
        }
        await using (var storage = await _harness.OpenAsync(_dir.Path))
        {
            var a = await ProviderHarness.ReadAsync(storage, "a");
            var b = await ProviderHarness.ReadAsync(storage, "b");
            Assert.Equal((1, etagA), (a.State!.Value, a.ETag));
            Assert.Equal((3, etagB), (b.State!.Value, b.ETag));
            Assert.False((await ProviderHarness.ReadAsync(storage, "c")).RecordExists);
            await Assert.ThrowsAsync<InconsistentStateException>(() => ProviderHarness.WriteAsync(storage, "a", 9, null));
            await ProviderHarness.WriteAsync(storage, "a", 9, etagA);
        }
    }

    [Fact]
    public async Task A_second_provider_cannot_open_a_directory_that_is_in_use()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        await Assert.ThrowsAnyAsync<IOException>(() => _harness.OpenAsync(_dir.Path));
    }

    [Fact]
    public async Task A_large_state_round_trips_and_survives_a_restart()
    {
        var blob = new byte[5 * 1024 * 1024 + 17];
        new Random(3).NextBytes(blob);
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 1024 * 1024))
        {
            await ProviderHarness.WriteAsync(storage, "big", 1, null, blob: blob);
            await ProviderHarness.WriteAsync(storage, "small", 2, null);
            Assert.Equal(blob, (await ProviderHarness.ReadAsync(storage, "big")).State!.Blob);
        }
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 1024 * 1024))
            Assert.Equal(blob, (await ProviderHarness.ReadAsync(storage, "big")).State!.Blob);
    }

    [Fact]
    public async Task Etags_are_never_reused_even_after_a_clear_reclamation_and_restart()
    {
        var seen = new HashSet<string>();
        for (var round = 0; round < 3; round++)
        {
            await using var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4096);
            string? etag = (await ProviderHarness.ReadAsync(storage, "a")).ETag;
            for (var i = 0; i < 30; i++)
            {
                var written = await ProviderHarness.WriteAsync(storage, "a", i, etag, blob: new byte[300]);
                Assert.True(seen.Add(written.ETag!), $"ETag {written.ETag} was issued twice");
                etag = written.ETag;
            }
            var clearing = new GrainState<TestState>(new TestState(), etag);
            await storage.ClearStateAsync("state", ProviderHarness.Grain("a"), clearing);
        }
    }

    [Fact]
    public async Task Reclamation_keeps_every_live_record_and_frees_dead_segments()
    {
        const int keys = 10;
        var etags = new string?[keys];
        var values = new int[keys];
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 8192))
        {
            for (var round = 0; round < 60; round++)
                for (var k = 0; k < keys; k++)
                {
                    var written = await ProviderHarness.WriteAsync(storage, $"k{k}", round, etags[k], blob: new byte[200]);
                    (etags[k], values[k]) = (written.ETag, round);
                }
            // Clear half the keys: their tombstones must not let old states come back.
            for (var k = 0; k < keys; k += 2)
            {
                await storage.ClearStateAsync("state", ProviderHarness.Grain($"k{k}"), new GrainState<TestState>(new TestState(), etags[k]));
                etags[k] = null;
            }
            for (var round = 0; round < 20; round++)
                for (var k = 1; k < keys; k += 2)
                {
                    var written = await ProviderHarness.WriteAsync(storage, $"k{k}", 1000 + round, etags[k], blob: new byte[200]);
                    (etags[k], values[k]) = (written.ETag, 1000 + round);
                }
            var stats = storage.Statistics;
            Assert.True(stats.Compactions > 0, $"no segment was compacted: {stats}");
            // Everything written was ~ (60*10 + 20*5) records of ~300 bytes = ~210 KB; live data is 5 records.
            Assert.True(stats.DiskBytes < 4 * 8192 + 2 * stats.LiveBytes, $"disk use is not bounded by live data: {stats}");
            Assert.True(Directory.GetFiles(_dir.Path, "state-*.log").Length <= 4, $"too many segments left: {stats}");
            await AssertContents(storage);
        }
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 8192))
            await AssertContents(storage);

        async Task AssertContents(FileGrainStorage storage)
        {
            for (var k = 0; k < keys; k++)
            {
                var read = await ProviderHarness.ReadAsync(storage, $"k{k}");
                Assert.Equal(etags[k], read.ETag);
                if (k % 2 == 0) Assert.False(read.RecordExists);
                else Assert.Equal(values[k], read.State!.Value);
            }
        }
    }

    [Fact]
    public async Task The_segment_closed_last_is_left_alone_until_the_next_one_closes()
    {
        // A 64 KiB segment takes about 50 records of 1.2 KB: 60 close the first one. Rewriting 30 of
        // them leaves it about 40 % live, which would make it a victim at once, but it is the newest
        // closed segment; the second one is not full yet.
        const int keys = 60, rewritten = 30;
        var etags = new string?[keys];
        var first = Path.Combine(_dir.Path, "state-0000000000000001.log");
        await using var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 64 * 1024);
        await WriteAsync(Enumerable.Range(0, keys), round: 1);
        await WriteAsync(Enumerable.Range(0, rewritten), round: 2);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "state-0000000000000002.log")), "the first segment did not close");
        Assert.False(File.Exists(Path.Combine(_dir.Path, "state-0000000000000003.log")), "the second segment closed too");
        await Consistently.HoldsAsync(() => Task.FromResult(storage.Statistics.Compactions == 0 && File.Exists(first)), TimeSpan.FromSeconds(2),
            "the newest closed segment being left alone");

        await WriteAsync(Enumerable.Range(0, rewritten), round: 3);
        await Eventually.WaitAsync(() => Task.FromResult(!File.Exists(first)), TimeSpan.FromSeconds(30), "the first segment to be compacted once the second closed");
        for (var k = 0; k < keys; k++)
            Assert.Equal(etags[k], (await ProviderHarness.ReadAsync(storage, $"k{k}")).ETag);

        async Task WriteAsync(IEnumerable<int> which, int round)
        {
            foreach (var k in which) etags[k] = (await ProviderHarness.WriteAsync(storage, $"k{k}", round, etags[k], blob: new byte[1200])).ETag;
        }
    }

    [Fact]
    public async Task A_segment_whose_live_records_take_several_compaction_steps_is_carried_forward_whole()
    {
        // 3,400 records of 1.2 KB close a 4 MiB segment; rewriting 2,000 of them leaves it about 40 %
        // live: more records to scan, and more bytes to copy, than one compaction step takes.
        // Rewriting them once more closes the second segment, so the first is no longer the newest
        // closed one (which compaction leaves alone while part of it is live).
        const int keys = 3400, rewritten = 2000;
        var etags = new string?[keys];
        var values = new int[keys];
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4 * 1024 * 1024))
        {
            await WriteAllAsync(storage, Enumerable.Range(0, keys), round: 1);
            await WriteAllAsync(storage, Enumerable.Range(0, rewritten), round: 2);
            await WriteAllAsync(storage, Enumerable.Range(0, rewritten), round: 3);
            await Eventually.WaitAsync(() => Task.FromResult(storage.Statistics.Compactions > 0), TimeSpan.FromSeconds(30), "the first segment to be compacted");
            Assert.False(File.Exists(Path.Combine(_dir.Path, "state-0000000000000001.log")));
            await AssertContents(storage);
        }
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4 * 1024 * 1024))
            await AssertContents(storage);

        async Task WriteAllAsync(FileGrainStorage storage, IEnumerable<int> which, int round)
        {
            foreach (var wave in which.Chunk(200))
            {
                var written = await Task.WhenAll(wave.Select(k => ProviderHarness.WriteAsync(storage, $"k{k}", round * 100_000 + k, etags[k], blob: new byte[1200])));
                for (var i = 0; i < wave.Length; i++) (etags[wave[i]], values[wave[i]]) = (written[i].ETag, round * 100_000 + wave[i]);
            }
        }

        async Task AssertContents(FileGrainStorage storage)
        {
            for (var k = 0; k < keys; k++)
            {
                var read = await ProviderHarness.ReadAsync(storage, $"k{k}");
                Assert.Equal(etags[k], read.ETag);
                Assert.Equal(values[k], read.State!.Value);
            }
        }
    }

    [Fact]
    public async Task Of_two_concurrent_writes_with_the_same_etag_exactly_one_succeeds()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var first = await ProviderHarness.WriteAsync(storage, "a", 1, null);
        var attempts = Enumerable.Range(0, 8).Select(i => ProviderHarness.WriteAsync(storage, "a", 10 + i, first.ETag)).ToArray();
        var outcomes = await Task.WhenAll(attempts.Select(async t =>
        {
            try { return (await t).State!.Value; }
            catch (InconsistentStateException) { return -1; }
        }));
        var winner = Assert.Single(outcomes, v => v >= 0);
        Assert.Equal(winner, (await ProviderHarness.ReadAsync(storage, "a")).State!.Value);
    }

    [Fact]
    public async Task A_write_is_invisible_to_reads_until_it_is_durable_but_already_decides_etag_checks()
    {
        await using var storage = await _harness.OpenAsync(_dir.Path);
        var first = await ProviderHarness.WriteAsync(storage, "a", 1, null);
        using var inSync = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        storage.OpenLog.BeforeSync = () =>
        {
            inSync.Release();
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)), "the test never released the writer");
        };
        var pending = ProviderHarness.WriteAsync(storage, "a", 2, first.ETag);
        Assert.True(await inSync.WaitAsync(TimeSpan.FromSeconds(30)), "the write never reached the fsync");
        storage.OpenLog.BeforeSync = null;

        var read = await ProviderHarness.ReadAsync(storage, "a");
        Assert.Equal((1, first.ETag), (read.State!.Value, read.ETag));
        Assert.False(pending.IsCompleted);
        // The queued write is already the newest: the old ETag no longer matches.
        await Assert.ThrowsAsync<InconsistentStateException>(() => ProviderHarness.WriteAsync(storage, "a", 3, first.ETag));

        release.Set();
        var second = await pending;
        Assert.Equal((2, second.ETag), ((await ProviderHarness.ReadAsync(storage, "a")).State!.Value, (await ProviderHarness.ReadAsync(storage, "a")).ETag));
    }
}
