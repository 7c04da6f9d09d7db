using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>How the client reaches one silo: a framed TCP connection, or a direct call into a silo in this process.</summary>
internal interface ISiloChannel : IAsyncDisposable
{
    /// <summary>False once the channel broke; the pool opens a new one on next use.</summary>
    bool IsOpen { get; }

    /// <summary>Sends a request and waits for its answer (or the channel's loss, or cancellation).</summary>
    Task<ClientResponse> SendAsync(ClientRequest request, CancellationToken cancellationToken);
}
