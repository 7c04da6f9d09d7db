using System.Diagnostics.Metrics;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// What one transport has done, as plain properties (tests, health pages) and as observable
/// instruments of the "OrleansKv.Transport" meter, tagged with the silo id.
/// </summary>
public sealed class TransportCounters : IDisposable
{
    public const string MeterName = "OrleansKv.Transport";

    private readonly Meter _meter;
    private long _messagesSent;
    private long _messagesDropped;
    private long _messagesReceived;
    private long _inboundDropped;
    private long _framesWritten;
    private long _bytesWritten;
    private long _framesRead;
    private long _connectionsOpened;
    private long _reconnects;
    private long _connectionsRefused;
    private long _protocolErrors;
    private long _clientRequests;
    private long _clientResponsesSent;
    private long _clientResponsesDropped;

    internal TransportCounters(ulong siloId)
    {
        _meter = new Meter(MeterName);
        var tags = new KeyValuePair<string, object?>[] { new("silo", siloId) };
        Observe("orleanskv.transport.raft.sent", () => MessagesSent, "Raft messages written to a peer connection");
        Observe("orleanskv.transport.raft.dropped", () => MessagesDropped, "Raft messages dropped before sending (queue full, isolated, unknown peer, too large)");
        Observe("orleanskv.transport.raft.received", () => MessagesReceived, "Raft messages handed to the inbound handler");
        Observe("orleanskv.transport.raft.inbound_dropped", () => InboundDropped, "Raft messages received while isolated and dropped");
        Observe("orleanskv.transport.frames.written", () => FramesWritten, "frames written on any connection");
        Observe("orleanskv.transport.bytes.written", () => BytesWritten, "bytes written on any connection");
        Observe("orleanskv.transport.frames.read", () => FramesRead, "frames read on any connection");
        Observe("orleanskv.transport.connections.opened", () => ConnectionsOpened, "peer connections dialled successfully");
        Observe("orleanskv.transport.reconnects", () => Reconnects, "failed dials and lost peer connections, each followed by a retry");
        Observe("orleanskv.transport.connections.refused", () => ConnectionsRefused, "accepted connections closed for a bad or missing Hello");
        Observe("orleanskv.transport.protocol_errors", () => ProtocolErrors, "connections closed for a malformed or unexpected frame");
        Observe("orleanskv.transport.client.requests", () => ClientRequests, "client requests received");
        Observe("orleanskv.transport.client.responses", () => ClientResponsesSent, "client responses written");
        Observe("orleanskv.transport.client.responses_dropped", () => ClientResponsesDropped, "client responses dropped (connection closed or queue full)");

        void Observe(string name, Func<long> read, string description) =>
            _meter.CreateObservableCounter(name, () => new Measurement<long>(read(), tags), unit: null, description);
    }

    public long MessagesSent => Volatile.Read(ref _messagesSent);
    public long MessagesDropped => Volatile.Read(ref _messagesDropped);
    public long MessagesReceived => Volatile.Read(ref _messagesReceived);
    public long InboundDropped => Volatile.Read(ref _inboundDropped);
    public long FramesWritten => Volatile.Read(ref _framesWritten);
    public long BytesWritten => Volatile.Read(ref _bytesWritten);
    public long FramesRead => Volatile.Read(ref _framesRead);
    public long ConnectionsOpened => Volatile.Read(ref _connectionsOpened);
    public long Reconnects => Volatile.Read(ref _reconnects);
    public long ConnectionsRefused => Volatile.Read(ref _connectionsRefused);
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);
    public long ClientRequests => Volatile.Read(ref _clientRequests);
    public long ClientResponsesSent => Volatile.Read(ref _clientResponsesSent);
    public long ClientResponsesDropped => Volatile.Read(ref _clientResponsesDropped);

    internal void AddMessagesSent(int count) => Interlocked.Add(ref _messagesSent, count);
    internal void AddMessagesDropped(int count = 1) => Interlocked.Add(ref _messagesDropped, count);
    internal void AddMessageReceived() => Interlocked.Increment(ref _messagesReceived);
    internal void AddInboundDropped() => Interlocked.Increment(ref _inboundDropped);
    internal void AddWrite(int frames, int bytes)
    {
        Interlocked.Add(ref _framesWritten, frames);
        Interlocked.Add(ref _bytesWritten, bytes);
    }
    internal void AddFrameRead() => Interlocked.Increment(ref _framesRead);
    internal void AddConnectionOpened() => Interlocked.Increment(ref _connectionsOpened);
    internal void AddReconnect() => Interlocked.Increment(ref _reconnects);
    internal void AddConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);
    internal void AddProtocolError() => Interlocked.Increment(ref _protocolErrors);
    internal void AddClientRequest() => Interlocked.Increment(ref _clientRequests);
    internal void AddClientResponsesSent(int count) => Interlocked.Add(ref _clientResponsesSent, count);
    internal void AddClientResponseDropped() => Interlocked.Increment(ref _clientResponsesDropped);

    public void Dispose() => _meter.Dispose();
}
