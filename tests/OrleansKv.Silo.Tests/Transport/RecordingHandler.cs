using System.Collections.Concurrent;
using OrleansKv.Contracts;
using OrleansKv.Raft;
using OrleansKv.Silo.Transport;

namespace OrleansKv.Silo.Tests.Transport;

/// <summary>Records every Raft message; answers client requests by echoing their correlation id from another thread.</summary>
internal sealed class RecordingHandler : IInboundHandler
{
    private readonly ConcurrentQueue<(uint Group, Message Message)> _messages = new();

    public int Count => _messages.Count;

    public IReadOnlyList<(uint Group, Message Message)> Messages => _messages.ToArray();

    public void OnRaftMessage(uint group, Message message) => _messages.Enqueue((group, message));

    public void OnClientRequest(ClientRequest request, IClientResponder responder)
    {
        // Answer later and elsewhere, as a grain would after its Raft round.
        var correlation = request.CorrelationId;
        var key = request.Kv?.Key ?? Google.Protobuf.ByteString.Empty;
        Task.Run(() => responder.Send(new ClientResponse
        {
            CorrelationId = correlation,
            Kv = new KvResponse { Value = key },
        }));
    }
}
