using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansKv.Contracts;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// This silo's outbound connection to one peer silo: a byte-bounded queue of Raft envelopes and
/// one loop that dials (with exponential backoff), says Hello, then drains the queue into
/// RaftBatch frames, one socket write per frame. While disconnected the queue keeps filling up
/// to its limit and Send drops the rest; whatever was dequeued for a write that failed is lost.
/// </summary>
internal sealed class PeerLink : IAsyncDisposable
{
    /// <summary>Frame header plus the Frame and RaftBatch tags and lengths around the envelopes.</summary>
    internal const int FrameOverheadBytes = FrameCodec.HeaderBytes + 12;

    private readonly ulong _peerId;
    private readonly TransportOptions _options;
    private readonly TransportCounters _counters;
    private readonly ILogger _logger;
    private readonly Func<bool> _isolated;
    private readonly BoundedByteQueue<RaftEnvelope> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly int _batchTargetBytes;
    private ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private string _address;
    private Socket? _socket;
    private int _connected;
    private Task _loop = Task.CompletedTask;

    public PeerLink(ulong peerId, string address, TransportOptions options, TransportCounters counters, ILogger logger, Func<bool> isolated)
    {
        _peerId = peerId;
        _address = address;
        _options = options;
        _counters = counters;
        _logger = logger;
        _isolated = isolated;
        _queue = new BoundedByteQueue<RaftEnvelope>(options.MaxQueuedBytesPerPeer);
        _batchTargetBytes = Math.Max(1, Math.Min(options.BatchTargetBytes, options.MaxFrameBytes - FrameOverheadBytes));
    }

    public bool IsConnected => Volatile.Read(ref _connected) != 0;

    public long QueuedBytes => _queue.Bytes;

    /// <summary>A new address takes effect on the next dial; a live connection to the old one is cut.</summary>
    public string Address
    {
        get => Volatile.Read(ref _address);
        set
        {
            if (Interlocked.Exchange(ref _address, value) != value) Volatile.Read(ref _socket)?.Dispose();
        }
    }

    /// <param name="size">The envelope's encoded size inside a RaftBatch.</param>
    public bool TryEnqueue(RaftEnvelope envelope, int size) => _queue.TryEnqueue(envelope, size);

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = _options.ReconnectMin;
        var consecutiveFailures = 0;
        while (!stop.IsCancellationRequested)
        {
            var address = Address;
            try
            {
                using var socket = await PeerAddress.ConnectAsync(address, _options.ConnectTimeout, stop);
                Volatile.Write(ref _socket, socket);
                if (stop.IsCancellationRequested) break;
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await WriteHelloAsync(stream, stop);
                Volatile.Write(ref _connected, 1);
                _counters.AddConnectionOpened();
                _logger.LogInformation("Silo {Silo}: connected to peer {Peer} at {Address}", _options.SiloId, _peerId, address);
                backoff = _options.ReconnectMin;
                consecutiveFailures = 0;

                using var broken = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var watcher = WatchForCloseAsync(stream, broken);
                try
                {
                    if (!await PumpAsync(stream, broken.Token)) break;
                }
                finally
                {
                    broken.Cancel();
                    await watcher;
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The first failure of a run is worth a warning; a peer that stays down is not worth one per retry.
                var level = consecutiveFailures++ == 0 ? LogLevel.Warning : LogLevel.Debug;
                _logger.Log(level, "Silo {Silo}: connection to peer {Peer} at {Address} failed or broke: {Error}",
                    _options.SiloId, _peerId, address, e.Message);
            }
            finally
            {
                Volatile.Write(ref _connected, 0);
                Volatile.Write(ref _socket, null);
            }

            _counters.AddReconnect();
            try
            {
                await Task.Delay(WithJitter(backoff), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.ReconnectMax.Ticks));
        }
    }

    private async Task WriteHelloAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        FrameCodec.Write(_buffer, new Frame { Hello = new Hello { SiloId = _options.SiloId, Cluster = _options.ClusterName } });
        await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _counters.AddWrite(1, _buffer.WrittenCount);
    }

    /// <summary>Writes batches until the connection breaks (throws) or the queue is completed (false).</summary>
    private async Task<bool> PumpAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var batch = new RaftBatch();
        var frame = new Frame { Raft = batch };
        while (await _queue.WaitToReadAsync(cancellationToken))
        {
            var batchBytes = 0;
            while (_queue.TryPeekSize(out var size)
                   && (batch.Envelopes.Count == 0 || batchBytes + size <= _batchTargetBytes)
                   && _queue.TryDequeue(out var envelope))
            {
                if (_isolated())
                {
                    _counters.AddMessagesDropped();
                    continue;
                }
                batch.Envelopes.Add(envelope);
                batchBytes += size;
            }
            if (batch.Envelopes.Count == 0) continue;

            var count = batch.Envelopes.Count;
            _buffer.ResetWrittenCount();
            FrameCodec.Write(_buffer, frame);
            batch.Envelopes.Clear();
            await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken);
            _counters.AddWrite(1, _buffer.WrittenCount);
            _counters.AddMessagesSent(count);
            // A one-off snapshot must not pin a huge buffer for the life of the connection.
            if (_buffer.Capacity > 4 * _batchTargetBytes) _buffer = new ArrayBufferWriter<byte>(64 * 1024);
        }
        return false;
    }

    // The acceptor never writes on a silo connection, so a read returning means it closed (or broke).
    private static async Task WatchForCloseAsync(NetworkStream stream, CancellationTokenSource broken)
    {
        var scratch = new byte[256];
        try
        {
            while (await stream.ReadAsync(scratch, broken.Token) > 0)
            {
            }
        }
        catch (Exception)
        {
            // Any read failure means the same as end of stream: the connection is gone.
        }
        try
        {
            broken.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static TimeSpan WithJitter(TimeSpan backoff) =>
        TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + Random.Shared.NextDouble() / 2)));

    public async ValueTask DisposeAsync()
    {
        _queue.Complete();
        _stop.Cancel();
        Volatile.Read(ref _socket)?.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e)
        {
            _logger.LogDebug("Silo {Silo}: link to peer {Peer} ended with {Error}", _options.SiloId, _peerId, e.Message);
        }
        _stop.Dispose();
    }
}
