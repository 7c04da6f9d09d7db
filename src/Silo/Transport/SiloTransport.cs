using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansKv.Contracts;
using OrleansKv.Grains.Runtime;
using OrleansKv.Raft;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// The silo's framed TCP endpoint: grain calls between silos (Raft messages of every group) and
/// requests from cluster clients, as length-prefixed protobuf frames (<see cref="FrameCodec"/>).
///
/// Connection model: every silo dials every other silo and sends Raft traffic only on the
/// connection it dialled; it receives Raft traffic only on connections it accepted. So each
/// silo pair has two connections, one per direction, and neither side has to arbitrate which
/// of two simultaneous dials survives. Clients dial a silo and get responses on that connection.
///
/// Guarantees: messages to one peer leave in the order they were sent and arrive in that order
/// while one connection lives (TCP); nothing is guaranteed across a reconnect (a batch being
/// written when the connection broke is lost) nor when a queue is full (the message is
/// dropped and counted). Raft retries, so the transport never blocks its callers instead.
/// </summary>
public sealed class SiloTransport : IRaftTransport, IAsyncDisposable
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ulong, PeerLink> _peers = new();
    private readonly ConcurrentDictionary<InboundConnection, byte> _inbound = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lifecycle = new();
    private readonly Func<bool> _isIsolated;
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private volatile bool _isolated;
    private bool _started;
    private bool _disposed;

    public SiloTransport(TransportOptions options, ILogger<SiloTransport>? logger = null)
    {
        if (options.SiloId == 0) throw new ArgumentException("silo id 0 is reserved for clients", nameof(options));
        _options = options;
        _logger = logger ?? NullLogger<SiloTransport>.Instance;
        _isIsolated = () => _isolated;
        Counters = new TransportCounters(options.SiloId);
        foreach (var (siloId, address) in options.Peers)
            if (siloId != options.SiloId) _peers[siloId] = NewLink(siloId, address);
    }

    public TransportOptions Options => _options;

    public TransportCounters Counters { get; }

    /// <summary>
    /// Fault switch for tests: while true, outbound Raft messages are dropped at Send (and any
    /// still queued at write time) and inbound Raft messages are dropped on arrival, as if the
    /// network had cut this silo off. Client connections keep working.
    /// </summary>
    public bool Isolated
    {
        get => _isolated;
        set => _isolated = value;
    }

    /// <summary>The bound listening endpoint (the real port when <see cref="TransportOptions.Listen"/> used port 0).</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint?)_listener?.LocalEndPoint ?? throw new InvalidOperationException("the transport has not started");

    /// <summary>Binds the listener and starts accepting and dialling. Messages sent earlier stay queued until then.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound.</exception>
    public void Start(IInboundHandler handler)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) throw new InvalidOperationException("the transport has already started");
            var listener = new Socket(_options.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(_options.Listen);
                listener.Listen(512);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
            _listener = listener;
            _started = true;
            _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, handler, _stop.Token));
            foreach (var link in _peers.Values) link.Start();
        }
        _logger.LogInformation("Silo {Silo}: transport listening on {EndPoint}", _options.SiloId, LocalEndPoint);
    }

    /// <summary>Queues <paramref name="message"/> for the silo <see cref="Message.To"/>; never blocks, drops when it cannot queue.</summary>
    public void Send(uint group, Message message)
    {
        if (_isolated || !_peers.TryGetValue(message.To, out var link))
        {
            Counters.AddMessagesDropped();
            return;
        }
        var envelope = new RaftEnvelope { Group = group, Message = RaftMessageMapper.ToProto(message) };
        // Its size inside the RaftBatch: field tag, length prefix, body.
        var size = 1 + CodedOutputStream.ComputeMessageSize(envelope);
        if (size > _options.MaxFrameBytes - PeerLink.FrameOverheadBytes || !link.TryEnqueue(envelope, size))
            Counters.AddMessagesDropped();
    }

    /// <summary>Adds a peer silo, or changes its address (a live connection to the old address is cut).</summary>
    public void AddOrUpdatePeer(ulong siloId, string address)
    {
        PeerAddress.Parse(address);
        if (siloId == _options.SiloId || siloId == 0) throw new ArgumentOutOfRangeException(nameof(siloId));
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_peers.TryGetValue(siloId, out var existing))
            {
                existing.Address = address;
                return;
            }
            var link = NewLink(siloId, address);
            _peers[siloId] = link;
            if (_started) link.Start();
        }
    }

    /// <summary>Forgets a peer silo: closes the connection and drops what was queued for it.</summary>
    public async ValueTask RemovePeerAsync(ulong siloId)
    {
        PeerLink? link;
        lock (_lifecycle)
        {
            if (!_peers.TryRemove(siloId, out link)) return;
        }
        await link.DisposeAsync();
    }

    public bool IsConnectedTo(ulong siloId) => _peers.TryGetValue(siloId, out var link) && link.IsConnected;

    /// <summary>Bytes currently queued for <paramref name="siloId"/> (0 for an unknown silo).</summary>
    public long QueuedBytesFor(ulong siloId) => _peers.TryGetValue(siloId, out var link) ? link.QueuedBytes : 0;

    private PeerLink NewLink(ulong siloId, string address) =>
        new(siloId, address, _options, Counters, _logger, _isIsolated);

    private async Task AcceptLoopAsync(Socket listener, IInboundHandler handler, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                // E.g. out of file descriptors: back off instead of spinning, keep the listener.
                _logger.LogWarning("Silo {Silo}: accept failed: {Error}", _options.SiloId, e.Message);
                try
                {
                    await Task.Delay(_options.ReconnectMin, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            socket.NoDelay = true;
            var connection = new InboundConnection(socket, _options, Counters, _logger, handler, _isIsolated);
            _inbound[connection] = 0;
            connection.Start();
            _ = connection.Completion.ContinueWith(
                (_, state) => _inbound.TryRemove((InboundConnection)state!, out byte _), connection, TaskScheduler.Default);
        }
    }

    /// <summary>Closes the listener and every connection, and waits for every loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        PeerLink[] links;
        lock (_lifecycle)
        {
            if (_disposed) return;
            _disposed = true;
            links = _peers.Values.ToArray();
            _peers.Clear();
        }
        _stop.Cancel();
        _listener?.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception e)
        {
            _logger.LogDebug("Silo {Silo}: accept loop ended with {Error}", _options.SiloId, e.Message);
        }
        foreach (var link in links) await link.DisposeAsync();
        var connections = _inbound.Keys.ToArray();
        foreach (var connection in connections) connection.Close();
        foreach (var connection in connections) await connection.Completion;
        _stop.Dispose();
        Counters.Dispose();
    }
}
