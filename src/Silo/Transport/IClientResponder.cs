using OrleansKv.Contracts;

namespace OrleansKv.Silo.Transport;

/// <summary>The way back to the client connection a request came in on.</summary>
public interface IClientResponder
{
    /// <summary>
    /// Queues a response frame on that connection. Never blocks. Dropped when the connection has
    /// closed or its queue is full: the client times out and retries with the same sequence number.
    /// </summary>
    void Send(ClientResponse response);

    /// <summary>False once the connection has closed; later responses are dropped.</summary>
    bool IsConnected { get; }
}
