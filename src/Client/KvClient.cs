using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansKv.Contracts;
using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>
/// The OrleansKv client: each operation is a grain call to the replica that leads the key's group.
/// Runs on any <see cref="IGrainFactory"/>: an Orleans <c>IClusterClient</c> (see
/// <see cref="ConnectAsync"/>, or bring your own), or a silo's own grain factory, as the HTTP
/// gateway co-hosted in each silo does. Thread-safe; share one instance.
/// </summary>
public sealed class KvClient : IKvClient
{
    private readonly RequestExecutor _executor;
    private readonly ClusterViewSource _views;
    private readonly IHost? _ownedHost;

    /// <summary>A client on an existing grain factory (an Orleans cluster client, or a silo's grain factory).</summary>
    public KvClient(IGrainFactory grains, KvClientOptions? options = null) : this(grains, options ?? new KvClientOptions(), ownedHost: null)
    {
    }

    private KvClient(IGrainFactory grains, KvClientOptions options, IHost? ownedHost)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _ownedHost = ownedHost;
        ClientId = options.ClientId ?? RandomClientId();
        var routing = new RoutingTable();
        _views = new ClusterViewSource(grains, routing, options.RequestTimeout);
        _executor = new RequestExecutor(new ReplicaCallQueues(new PeerReferences(grains)), routing, _views, new ClientSessions(), options);
    }

    /// <summary>This client's id in every group's exactly-once sessions.</summary>
    public ulong ClientId { get; }

    /// <summary>Starts an Orleans cluster client as <paramref name="options"/> say, and learns the cluster's layout from it.</summary>
    /// <exception cref="UnavailableException">No gateway could be reached, or no silo answered.</exception>
    public static async Task<KvClient> ConnectAsync(KvClientOptions options, CancellationToken cancellationToken = default)
    {
        var host = await OrleansClientHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var client = new KvClient(host.Services.GetRequiredService<IClusterClient>(), options, host);
        try
        {
            // A cluster that is still starting may not answer the first ask: ask again until the operation timeout.
            var deadline = DateTime.UtcNow + options.OperationTimeout;
            while (true)
            {
                try
                {
                    await client._views.RefreshAsync(cancellationToken).ConfigureAwait(false);
                    return client;
                }
                catch (UnavailableException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<KvEntry?> GetAsync(ReadOnlyMemory<byte> key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        var request = KvRequestFactory.Create(KvOperation.Get, ClientId, key, default, default);
        var stale = consistency == ReadConsistency.Stale;
        if (stale) request.Consistency = Contracts.ReadConsistency.Stale;
        var response = await _executor.ExecuteAsync(request, anyReplica: stale, cancellationToken).ConfigureAwait(false);
        return response.Status == KvStatus.NotFound ? null : new KvEntry(response.Value.Memory, response.Version, response.Stale);
    }

    public async Task<ulong> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        (await WriteAsync(KvOperation.Put, key, value, condition, cancellationToken).ConfigureAwait(false)).Version;

    public async Task<ulong> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        (await WriteAsync(KvOperation.Append, key, value, condition, cancellationToken).ConfigureAwait(false)).Version;

    public async Task<bool> DeleteAsync(ReadOnlyMemory<byte> key, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        (await WriteAsync(KvOperation.Delete, key, default, condition, cancellationToken).ConfigureAwait(false)).Existed;

    public Task<ClusterView> GetClusterViewAsync(CancellationToken cancellationToken = default) => _views.RefreshAsync(cancellationToken);

    private Task<KvResponse> WriteAsync(KvOperation operation, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, WriteCondition condition, CancellationToken cancellationToken) =>
        _executor.ExecuteAsync(KvRequestFactory.Create(operation, ClientId, key, value, condition), anyReplica: false, cancellationToken);

    private static ulong RandomClientId()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong id;
        do { RandomNumberGenerator.Fill(bytes); id = BitConverter.ToUInt64(bytes); } while (id == 0);
        return id;
    }

    /// <summary>Stops the Orleans client this instance started, if it started one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownedHost is null) return;
        try
        {
            await _ownedHost.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        finally
        {
            _ownedHost.Dispose();
        }
    }
}
