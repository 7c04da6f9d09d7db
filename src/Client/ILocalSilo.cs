using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>
/// A silo hosted in the same process as the client, as the co-hosted HTTP gateway is. Requests for
/// it skip the socket and the encoding: the client hands the request to the silo and the silo
/// hands the answer back, as Orleans does for a grain call to a local activation.
/// </summary>
public interface ILocalSilo
{
    /// <summary>The silo's framed endpoint (host:port), as the cluster reports it.</summary>
    string Address { get; }

    /// <summary>Handles one request; calls <paramref name="reply"/> exactly once, on any thread. Never blocks.</summary>
    void Handle(ClientRequest request, Action<ClientResponse> reply);
}
