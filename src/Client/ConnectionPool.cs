namespace OrleansKv.Client;

/// <summary>
/// One live connection per silo address, reopened on first use after it breaks; a silo in this
/// process (<see cref="KvClientOptions.LocalSilo"/>) is called directly instead.
/// </summary>
internal sealed class ConnectionPool(KvClientOptions options) : IAsyncDisposable
{
    private readonly Dictionary<string, Task<SiloConnection>> _connections = [];
    private readonly LocalSiloChannel? _local = options.LocalSilo is { } silo ? new LocalSiloChannel(silo) : null;
    private bool _disposed;

    public async ValueTask<ISiloChannel> GetAsync(string address, CancellationToken cancellationToken)
    {
        if (_local is not null && address == options.LocalSilo!.Address) return _local;
        Task<SiloConnection> opening;
        lock (_connections)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_connections.TryGetValue(address, out opening!) || opening.IsFaulted || opening.IsCanceled
                || (opening.IsCompletedSuccessfully && !opening.Result.IsOpen))
            {
                // Opening is not tied to one caller's token: other callers may share it.
                opening = SiloConnection.OpenAsync(address, options.ClusterName, options.ConnectCallback, CancellationToken.None);
                _connections[address] = opening;
            }
        }
        return await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        List<Task<SiloConnection>> all;
        lock (_connections)
        {
            _disposed = true;
            all = [.. _connections.Values];
            _connections.Clear();
        }
        foreach (var opening in all)
        {
            try { await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException) { }
        }
    }
}
