using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>Opens <see cref="FileGrainStorage"/> providers on a directory, outside any silo, with Orleans's binary serializer.</summary>
public sealed class ProviderHarness : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public static GrainId Grain(string key) => GrainId.Create("test", key);

    public async Task<FileGrainStorage> OpenAsync(string directory, long segmentBytes = FileGrainStorageOptions.DefaultSegmentBytes, double compactBelow = 0.5)
    {
        var storage = Create(directory, segmentBytes, compactBelow);
        await storage.OpenAsync();
        return storage;
    }

    public FileGrainStorage Create(string directory, long segmentBytes = FileGrainStorageOptions.DefaultSegmentBytes, double compactBelow = 0.5)
    {
        var options = new FileGrainStorageOptions
        {
            Directory = directory,
            SegmentBytes = segmentBytes,
            CompactBelowLiveFraction = compactBelow,
            GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        };
        return new FileGrainStorage("file", options, _services.GetRequiredService<IActivatorProvider>(), NullLogger<FileGrainStorage>.Instance);
    }

    public static async Task<GrainState<TestState>> ReadAsync(IGrainStorage storage, string grain, string stateName = "state")
    {
        var state = new GrainState<TestState>();
        await storage.ReadStateAsync(stateName, Grain(grain), state);
        return state;
    }

    public static async Task<GrainState<TestState>> WriteAsync(IGrainStorage storage, string grain, int value, string? etag, string stateName = "state", byte[]? blob = null)
    {
        var state = new GrainState<TestState>(new TestState { Value = value, Text = $"{grain}:{value}", Blob = blob }, etag);
        await storage.WriteStateAsync(stateName, Grain(grain), state);
        return state;
    }

    public void Dispose() => _services.Dispose();
}
