using OrleansKv.Client;
using OrleansKv.Grains;

namespace OrleansKv.Api.Tests;

/// <summary>A KV client that answers every call at once with a fixed result and counts the calls that reached it.</summary>
internal sealed class CountingKvClient : IKvClient
{
    private int _calls;

    /// <summary>How many operations reached the client.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The key of the last read that reached the client.</summary>
    public byte[] LastReadKey { get; private set; } = [];

    public Task<KvEntry?> GetAsync(ReadOnlyMemory<byte> key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        LastReadKey = key.ToArray();
        return Task.FromResult<KvEntry?>(new KvEntry("value"u8.ToArray(), 7, IsStale: false));
    }

    public Task<ulong> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(8UL);
    }

    public Task<ulong> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(9UL);
    }

    public Task<bool> DeleteAsync(ReadOnlyMemory<byte> key, WriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(true);
    }

    public Task<ClusterView> GetClusterViewAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new ClusterView("test", [], []));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
