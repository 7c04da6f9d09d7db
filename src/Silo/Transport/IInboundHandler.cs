using OrleansKv.Contracts;
using OrleansKv.Raft;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// Where the transport delivers what arrives. Called on the reader loop of the connection the
/// frame came in on: calls from different connections run concurrently, and a slow call holds
/// up that connection only. Implementations must not block (post to a grain's mailbox instead).
/// </summary>
public interface IInboundHandler
{
    /// <summary>A Raft message from a peer silo for the peer grain of <paramref name="group"/> on this silo.</summary>
    void OnRaftMessage(uint group, Message message);

    /// <summary>A request from a cluster client; answer through <paramref name="responder"/>, from any thread, at any time.</summary>
    void OnClientRequest(ClientRequest request, IClientResponder responder);
}
