using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansKv.Contracts;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// One accepted connection. Its first frame must be a Hello naming this cluster: a non-zero silo
/// id makes it a peer silo's connection, which may then carry only RaftBatch frames; silo id 0
/// makes it a client's, which may carry only ClientRequest frames and gets ClientResponse frames
/// back. Anything else, or a frame that does not decode, closes this connection and nothing more.
/// </summary>
internal sealed class InboundConnection
{
    private readonly Socket _socket;
    private readonly TransportOptions _options;
    private readonly TransportCounters _counters;
    private readonly ILogger _logger;
    private readonly IInboundHandler _handler;
    private readonly Func<bool> _isolated;
    private readonly CancellationTokenSource _stop = new();
    private readonly EndPoint? _remote;

    public InboundConnection(Socket socket, TransportOptions options, TransportCounters counters, ILogger logger, IInboundHandler handler, Func<bool> isolated)
    {
        _socket = socket;
        _options = options;
        _counters = counters;
        _logger = logger;
        _handler = handler;
        _isolated = isolated;
        _remote = socket.RemoteEndPoint;
    }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    public void Close()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
    }

    private async Task RunAsync()
    {
        ClientResponder? responder = null;
        var stream = new NetworkStream(_socket, ownsSocket: true);
        try
        {
            var reader = new FrameReader(stream, _options.MaxFrameBytes);
            var hello = await ReadHelloAsync(reader);
            if (hello is null) return;
            if (hello.SiloId == 0)
            {
                responder = new ClientResponder(stream, _options, _counters, _logger, _stop);
                responder.Start();
                await ReadClientFramesAsync(reader, responder);
            }
            else
            {
                await ReadPeerFramesAsync(reader, hello.SiloId);
            }
        }
        catch (InvalidDataException e)
        {
            _counters.AddProtocolError();
            _logger.LogWarning("Silo {Silo}: closing connection from {Remote}: {Error}", _options.SiloId, _remote, e.Message);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            _logger.LogDebug("Silo {Silo}: connection from {Remote} closed: {Error}", _options.SiloId, _remote, e.Message);
        }
        catch (Exception)
        {
            // Closed by this silo (shutdown, or the response writer failed).
        }
        finally
        {
            responder?.Close();
            Close();
            if (responder is not null) await responder.Completion;
            await stream.DisposeAsync();
            _stop.Dispose();
        }
    }

    /// <summary>The connection's Hello, or null when it was refused.</summary>
    private async Task<Hello?> ReadHelloAsync(FrameReader reader)
    {
        Frame? frame;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            deadline.CancelAfter(_options.HandshakeTimeout);
            try
            {
                frame = await reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                return Refuse("no Hello within the handshake timeout");
            }
        }
        if (frame is null) return Refuse("closed before Hello");
        if (frame.BodyCase != Frame.BodyOneofCase.Hello) return Refuse($"first frame is {frame.BodyCase}, not Hello");
        var hello = frame.Hello;
        if (hello.Cluster != _options.ClusterName) return Refuse($"cluster '{hello.Cluster}' is not '{_options.ClusterName}'");
        if (hello.SiloId == _options.SiloId) return Refuse($"the caller claims this silo's own id {hello.SiloId}");
        _logger.LogDebug("Silo {Silo}: accepted {Kind} connection from {Remote}", _options.SiloId,
            hello.SiloId == 0 ? "client" : $"silo {hello.SiloId}", _remote);
        return hello;
    }

    private Hello? Refuse(string reason)
    {
        _counters.AddConnectionRefused();
        _logger.LogWarning("Silo {Silo}: refused connection from {Remote}: {Reason}", _options.SiloId, _remote, reason);
        return null;
    }

    private async Task ReadPeerFramesAsync(FrameReader reader, ulong peerId)
    {
        while (await reader.ReadAsync(_stop.Token) is { } frame)
        {
            _counters.AddFrameRead();
            if (frame.BodyCase != Frame.BodyOneofCase.Raft)
                throw new InvalidDataException($"silo {peerId} sent a {frame.BodyCase} frame on a silo connection");
            foreach (var envelope in frame.Raft.Envelopes)
            {
                if (_isolated())
                {
                    _counters.AddInboundDropped();
                    continue;
                }
                if (envelope.Message is null) throw new InvalidDataException($"silo {peerId} sent an envelope without a message");
                var message = RaftMessageMapper.FromProto(envelope.Message);
                _counters.AddMessageReceived();
                try
                {
                    _handler.OnRaftMessage(envelope.Group, message);
                }
                catch (Exception e)
                {
                    // A handler bug is not the peer's fault: keep the connection.
                    _logger.LogError(e, "Silo {Silo}: inbound handler failed on a Raft message of group {Group}", _options.SiloId, envelope.Group);
                }
            }
        }
    }

    private async Task ReadClientFramesAsync(FrameReader reader, ClientResponder responder)
    {
        while (await reader.ReadAsync(_stop.Token) is { } frame)
        {
            _counters.AddFrameRead();
            if (frame.BodyCase != Frame.BodyOneofCase.Request)
                throw new InvalidDataException($"a client sent a {frame.BodyCase} frame");
            _counters.AddClientRequest();
            try
            {
                _handler.OnClientRequest(frame.Request, responder);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Silo {Silo}: inbound handler failed on client request {Correlation}", _options.SiloId, frame.Request.CorrelationId);
            }
        }
    }
}
