using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>The <c>file</c> provider after damage on disk: a torn tail is cut off, damage anywhere else refuses to open and says where.</summary>
public sealed class FileGrainStorageCrashTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ProviderHarness _harness = new();

    public void Dispose()
    {
        _harness.Dispose();
        _dir.Dispose();
    }

    private string[] Segments() => Directory.GetFiles(_dir.Path, "state-*.log").Order(StringComparer.Ordinal).ToArray();

    private async Task WriteThree(long segmentBytes = FileGrainStorageOptions.DefaultSegmentBytes)
    {
        await using var storage = await _harness.OpenAsync(_dir.Path, segmentBytes);
        await ProviderHarness.WriteAsync(storage, "a", 1, null, blob: new byte[100]);
        await ProviderHarness.WriteAsync(storage, "b", 2, null, blob: new byte[100]);
        await ProviderHarness.WriteAsync(storage, "c", 3, null, blob: new byte[100]);
    }

    [Fact]
    public async Task A_torn_last_record_is_truncated_and_the_earlier_states_survive()
    {
        await WriteThree();
        var segment = Segments().Single();
        var end = SegmentRecords.End(segment);
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(end - 10);

        await using var storage = await _harness.OpenAsync(_dir.Path);
        Assert.Equal(1, (await ProviderHarness.ReadAsync(storage, "a")).State!.Value);
        Assert.Equal(2, (await ProviderHarness.ReadAsync(storage, "b")).State!.Value);
        Assert.False((await ProviderHarness.ReadAsync(storage, "c")).RecordExists);
        // The log goes on from the cut.
        await ProviderHarness.WriteAsync(storage, "c", 4, null);
        Assert.Equal(4, (await ProviderHarness.ReadAsync(storage, "c")).State!.Value);
    }

    [Fact]
    public async Task Garbage_after_the_last_record_is_truncated()
    {
        await WriteThree();
        var segment = Segments().Single();
        var end = SegmentRecords.End(segment);
        Assert.True(new FileInfo(segment).Length > end, "the log writes zeros ahead of its records");
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.Position = end;
            file.Write([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        }

        await using (var storage = await _harness.OpenAsync(_dir.Path))
            Assert.Equal(3, (await ProviderHarness.ReadAsync(storage, "c")).State!.Value);
        Assert.Equal(end, new FileInfo(segment).Length);
    }

    [Fact]
    public async Task Zeros_written_ahead_of_the_records_are_not_damage_and_the_log_goes_on_after_its_last_record()
    {
        await WriteThree();
        var segment = Segments().Single();
        var end = SegmentRecords.End(segment);
        var length = new FileInfo(segment).Length;
        Assert.True(length > end, "the log writes zeros ahead of its records");

        await using (var storage = await _harness.OpenAsync(_dir.Path))
        {
            Assert.Equal(3, (await ProviderHarness.ReadAsync(storage, "c")).State!.Value);
            await ProviderHarness.WriteAsync(storage, "d", 4, null);
        }
        // Nothing was cut, and the new record follows the old ones inside the zeroed space.
        Assert.Equal(length, new FileInfo(segment).Length);
        Assert.True(SegmentRecords.End(segment) > end);
        await using (var storage = await _harness.OpenAsync(_dir.Path))
        {
            Assert.Equal(3, (await ProviderHarness.ReadAsync(storage, "c")).State!.Value);
            Assert.Equal(4, (await ProviderHarness.ReadAsync(storage, "d")).State!.Value);
        }
    }

    [Fact]
    public async Task Every_segment_but_the_last_ends_at_its_last_record()
    {
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4096))
            for (var i = 0; i < 20; i++)
                await ProviderHarness.WriteAsync(storage, $"g{i}", i, null, blob: new byte[500]);
        var segments = Segments();
        Assert.True(segments.Length > 2);
        foreach (var segment in segments[..^1]) Assert.Equal(SegmentRecords.End(segment), new FileInfo(segment).Length);

        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4096))
            for (var i = 0; i < 20; i++) Assert.Equal(i, (await ProviderHarness.ReadAsync(storage, $"g{i}")).State!.Value);
    }

    [Fact]
    public async Task A_corrupt_record_in_the_middle_refuses_to_open_and_names_the_file_and_offset()
    {
        await WriteThree();
        var segment = Segments().Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[StateRecordFormat.SegmentHeaderSize + 40] ^= 0xFF; // inside the first record
        await File.WriteAllBytesAsync(segment, bytes);

        var error = await Assert.ThrowsAsync<GrainStorageCorruptionException>(() => _harness.OpenAsync(_dir.Path));
        Assert.Equal(segment, error.File);
        Assert.Equal(StateRecordFormat.SegmentHeaderSize, error.Offset);
        Assert.Contains("valid records follow", error.Message);
        // Nothing was cut: the file is as it was.
        Assert.Equal(bytes.Length, new FileInfo(segment).Length);
    }

    [Fact]
    public async Task A_corrupt_record_in_a_segment_that_is_not_the_last_refuses_to_open()
    {
        await using (var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4096))
            for (var i = 0; i < 20; i++)
                await ProviderHarness.WriteAsync(storage, $"g{i}", i, null, blob: new byte[500]);
        var first = Segments()[0];
        Assert.True(Segments().Length > 1);
        var bytes = await File.ReadAllBytesAsync(first);
        var tailOffset = bytes.Length - 5;
        bytes[tailOffset] ^= 0xFF; // the last record of a segment that is not the last
        await File.WriteAllBytesAsync(first, bytes);

        var error = await Assert.ThrowsAsync<GrainStorageCorruptionException>(() => _harness.OpenAsync(_dir.Path, segmentBytes: 4096));
        Assert.Equal(first, error.File);
        Assert.Contains("not the last", error.Message);
    }

    [Fact]
    public async Task A_new_segment_whose_header_was_torn_is_removed()
    {
        await WriteThree();
        // As a rotation leaves it: the full segment is trimmed to its records before the next is created.
        var full = Segments().Single();
        using (var file = new FileStream(full, FileMode.Open)) file.SetLength(SegmentRecords.End(full));
        var torn = Path.Combine(_dir.Path, "state-00000000000000ff.log");
        await File.WriteAllBytesAsync(torn, new byte[] { 0x4F, 0x4B });
        await using var storage = await _harness.OpenAsync(_dir.Path);
        Assert.False(File.Exists(torn));
        Assert.Equal(3, (await ProviderHarness.ReadAsync(storage, "c")).State!.Value);
    }
}
