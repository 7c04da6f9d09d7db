using Orleans.Storage;
using OrleansKv.Storage.GrainStorage;
using Xunit.Abstractions;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>The <c>file</c> provider under a seeded random workload, compared with an in-memory model after every step.</summary>
public sealed class FileGrainStorageRandomWorkloadTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ProviderHarness _harness = new();

    public void Dispose()
    {
        _harness.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_seeded_random_workload_of_writes_clears_reads_and_restarts_matches_an_in_memory_model(int seed)
    {
        // To replay a failure, or to try other seeds: OKV_GRAIN_STORAGE_SEED=<seed> dotnet test --filter A_seeded_random_workload
        if (int.TryParse(Environment.GetEnvironmentVariable("OKV_GRAIN_STORAGE_SEED"), out var chosen)) seed = chosen + seed - 1;
        var random = new Random(seed);
        const int keys = 6;
        var model = new (bool Exists, int Value, string? ETag)[keys];
        var storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4096);
        var step = 0;
        try
        {
            for (step = 0; step < 400; step++)
            {
                var k = random.Next(keys);
                var grain = $"k{k}";
                var op = random.Next(100);
                if (op < 45)
                {
                    var useStale = random.Next(10) == 0;
                    var etag = useStale ? (model[k].ETag is null ? "1" : null) : model[k].ETag;
                    var value = random.Next(1_000_000);
                    var blob = new byte[random.Next(0, 1500)];
                    try
                    {
                        var written = await ProviderHarness.WriteAsync(storage, grain, value, etag, blob: blob);
                        Assert.False(useStale, $"seed {seed} step {step}: a write with a wrong ETag succeeded");
                        model[k] = (true, value, written.ETag);
                    }
                    catch (InconsistentStateException)
                    {
                        Assert.True(useStale, $"seed {seed} step {step}: a write with the right ETag was refused");
                    }
                }
                else if (op < 60)
                {
                    var state = new GrainState<TestState>(new TestState(), model[k].ETag);
                    await storage.ClearStateAsync("state", ProviderHarness.Grain(grain), state);
                    model[k] = (false, 0, null);
                }
                else if (op < 95)
                {
                    var read = await ProviderHarness.ReadAsync(storage, grain);
                    Assert.True((model[k].Exists, model[k].ETag) == (read.RecordExists, read.ETag), $"seed {seed} step {step}: {grain} read {read.RecordExists}/{read.ETag}, model {model[k]}");
                    if (model[k].Exists) Assert.Equal(model[k].Value, read.State!.Value);
                }
                else
                {
                    await storage.DisposeAsync();
                    storage = await _harness.OpenAsync(_dir.Path, segmentBytes: 4096);
                }
                for (var check = 0; check < keys; check++)
                {
                    var read = await ProviderHarness.ReadAsync(storage, $"k{check}");
                    Assert.True((model[check].Exists, model[check].ETag) == (read.RecordExists, read.ETag),
                        $"seed {seed} step {step}: k{check} reads {read.RecordExists}/{read.ETag}, model {model[check]}");
                    if (model[check].Exists) Assert.Equal(model[check].Value, read.State!.Value);
                }
            }
            output.WriteLine($"seed {seed}: {storage.Statistics}");
        }
        catch
        {
            output.WriteLine($"failed at step {step}; replay with seed {seed}");
            throw;
        }
        finally
        {
            await storage.DisposeAsync();
        }
    }
}
