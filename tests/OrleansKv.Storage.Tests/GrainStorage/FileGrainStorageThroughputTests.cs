using System.Diagnostics;
using Xunit.Abstractions;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>Group commit made visible: writes per second and fsyncs per write for several writer counts (printed, not asserted).</summary>
public sealed class FileGrainStorageThroughputTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ProviderHarness _harness = new();

    public void Dispose()
    {
        _harness.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Concurrent_writers_share_fsyncs_and_the_throughput_is_printed()
    {
        // A figure, not an assertion: timings belong to bench/.
        await using var storage = await _harness.OpenAsync(_dir.Path);
        foreach (var writers in new[] { 1, 16, 128 })
        {
            const int perWriter = 40;
            var before = storage.Statistics;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
            {
                string? etag = null;
                for (var i = 0; i < perWriter; i++)
                    etag = (await ProviderHarness.WriteAsync(storage, $"w{writers}-{w}", i, etag, blob: new byte[200])).ETag;
            }));
            clock.Stop();
            var after = storage.Statistics;
            var writes = after.Records - before.Records;
            output.WriteLine($"{writers,4} writers: {writes} writes in {clock.Elapsed.TotalMilliseconds:F0} ms = {writes / clock.Elapsed.TotalSeconds:F0} writes/s, " +
                $"{(double)(after.Fsyncs - before.Fsyncs) / writes:F3} fsyncs per write, {(double)writes / (after.Batches - before.Batches):F1} writes per batch");
            Assert.Equal(writers * perWriter, writes);
        }
    }
}
