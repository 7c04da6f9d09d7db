using System.Buffers;
using Microsoft.Extensions.Logging;
using OrleansKv.Contracts;

namespace OrleansKv.Silo.Transport;

/// <summary>
/// The response side of one client connection: a byte-bounded queue and a loop that writes
/// every queued response as its own frame, many frames per socket write.
/// </summary>
internal sealed class ClientResponder : IClientResponder
{
    private readonly Stream _stream;
    private readonly TransportOptions _options;
    private readonly TransportCounters _counters;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _connection;
    private readonly BoundedByteQueue<ClientResponse> _queue;
    private volatile bool _closed;

    /// <param name="connection">Cancelled by the responder when a write fails, so the reader stops too.</param>
    public ClientResponder(Stream stream, TransportOptions options, TransportCounters counters, ILogger logger, CancellationTokenSource connection)
    {
        _stream = stream;
        _options = options;
        _counters = counters;
        _logger = logger;
        _connection = connection;
        _queue = new BoundedByteQueue<ClientResponse>(options.MaxQueuedBytesPerClient);
    }

    public bool IsConnected => !_closed;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Send(ClientResponse response)
    {
        if (_closed)
        {
            _counters.AddClientResponseDropped();
            return;
        }
        var size = response.CalculateSize() + PeerLink.FrameOverheadBytes;
        if (size > _options.MaxFrameBytes || !_queue.TryEnqueue(response, size))
            _counters.AddClientResponseDropped();
    }

    public void Start() => Completion = Task.Run(() => PumpAsync(_connection.Token));

    /// <summary>No more responses: the connection is closing.</summary>
    public void Close()
    {
        _closed = true;
        _queue.Complete();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var frame = new Frame();
        try
        {
            while (await _queue.WaitToReadAsync(cancellationToken))
            {
                buffer.ResetWrittenCount();
                var frames = 0;
                while (buffer.WrittenCount < _options.BatchTargetBytes && _queue.TryDequeue(out var response))
                {
                    frame.Response = response;
                    FrameCodec.Write(buffer, frame);
                    frames++;
                }
                if (frames == 0) continue;
                await _stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
                _counters.AddWrite(frames, buffer.WrittenCount);
                _counters.AddClientResponsesSent(frames);
                if (buffer.Capacity > 4 * _options.BatchTargetBytes) buffer = new ArrayBufferWriter<byte>(16 * 1024);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Silo {Silo}: writing to a client failed: {Error}", _options.SiloId, e.Message);
        }
        catch (Exception)
        {
            // Cancelled: the connection is closing.
        }
        finally
        {
            _closed = true;
            try
            {
                _connection.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
