using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>The <c>file</c> provider when the disk fails: a failed fsync fails its writes and every later one, with a clear error.</summary>
public sealed class FileGrainStorageFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ProviderHarness _harness = new();

    public void Dispose()
    {
        _harness.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_failed_fsync_fails_its_writes_and_every_later_write_with_a_clear_error_until_reopened()
    {
        string? etag;
        await using (var storage = await _harness.OpenAsync(_dir.Path))
        {
            etag = (await ProviderHarness.WriteAsync(storage, "a", 1, null)).ETag;
            storage.OpenLog.BeforeSync = () => throw new IOException("injected fsync failure");

            var failed = await Assert.ThrowsAsync<FileGrainStorageFailedException>(() => ProviderHarness.WriteAsync(storage, "a", 2, etag));
            Assert.Contains("injected fsync failure", failed.Message);
            storage.OpenLog.BeforeSync = null;
            // The provider stays failed: later writes and clears are refused at once, reads still answer.
            await Assert.ThrowsAsync<FileGrainStorageFailedException>(() => ProviderHarness.WriteAsync(storage, "b", 1, null));
            await Assert.ThrowsAsync<FileGrainStorageFailedException>(() => storage.ClearStateAsync("state", ProviderHarness.Grain("a"), new GrainState<TestState>(new TestState(), etag)));
            Assert.Equal(1, (await ProviderHarness.ReadAsync(storage, "a")).State!.Value);
        }
        // After reopening, recovery decides from the disk (here the unsynced write did reach the file).
        await using (var storage = await _harness.OpenAsync(_dir.Path))
        {
            var read = await ProviderHarness.ReadAsync(storage, "a");
            Assert.Contains(read.State!.Value, new[] { 1, 2 });
            await ProviderHarness.WriteAsync(storage, "b", 1, null);
        }
    }
}
