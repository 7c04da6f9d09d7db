using OrleansKv.Client;

namespace OrleansKv.Bench;

/// <summary>OrleansKv through its .NET client library (Orleans grain calls, no HTTP).</summary>
internal sealed class OrleansKvStore : IBenchStore
{
    private readonly KvClient _client;

    private OrleansKvStore(KvClient client, string target)
    {
        _client = client;
        Target = target;
    }

    public string System => "orleanskv";

    public string Target { get; }

    /// <summary>One shared <see cref="KvClient"/> on the given Orleans gateways, as an application would hold it.</summary>
    /// <exception cref="UnavailableException">No gateway could be reached.</exception>
    public static async Task<OrleansKvStore> ConnectAsync(IReadOnlyList<string> gateways)
    {
        var client = await KvClient.ConnectAsync(new KvClientOptions { Gateways = gateways }).ConfigureAwait(false);
        return new OrleansKvStore(client, "gateways " + string.Join(",", gateways));
    }

    // The caller reuses its key and value buffers only after the call completes, so they need no copy.
    public Task<ulong> PutAsync(byte[] key, byte[] value) => _client.PutAsync(key, value);

    public async Task<bool> GetAsync(byte[] key, bool linearizable) =>
        await _client.GetAsync(key, linearizable ? ReadConsistency.Linearizable : ReadConsistency.Stale).ConfigureAwait(false) is not null;

    public async Task<(bool Succeeded, ulong Version)> CompareAndPutAsync(byte[] key, byte[] value, ulong expectedVersion)
    {
        try
        {
            return (true, await _client.PutAsync(key, value, WriteCondition.IfVersion(expectedVersion)).ConfigureAwait(false));
        }
        catch (ConditionFailedException e)
        {
            return (false, e.CurrentVersion);
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
