using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>
/// One connection from the client to one silo, multiplexing concurrent requests by correlation
/// id. Frames queued by concurrent callers are written together in one socket write; answers may
/// arrive in any order. When the connection breaks, every request waiting on it fails with
/// <see cref="ConnectionLostException"/> and the owner opens a new connection on next use.
/// </summary>
internal sealed class SiloConnection : ISiloChannel
{
    private readonly Stream _stream;
    private readonly Channel<Frame> _outbound = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ClientResponse>> _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _writer;
    private readonly Task _reader;
    private long _nextCorrelation;

    private SiloConnection(string address, Stream stream, string clusterName)
    {
        Address = address;
        _stream = stream;
        _outbound.Writer.TryWrite(new Frame { Hello = new Hello { SiloId = 0, Cluster = clusterName } });
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    public string Address { get; }

    public bool IsOpen => !_closed.IsCancellationRequested;

    public static async Task<SiloConnection> OpenAsync(string address, string clusterName, Func<string, CancellationToken, ValueTask<Stream>>? connect, CancellationToken cancellationToken)
    {
        var stream = connect is not null ? await connect(address, cancellationToken).ConfigureAwait(false) : await ConnectTcpAsync(address, cancellationToken).ConfigureAwait(false);
        return new SiloConnection(address, stream, clusterName);
    }

    private static async ValueTask<Stream> ConnectTcpAsync(string address, CancellationToken cancellationToken)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port))
            throw new ArgumentException($"'{address}' is not host:port", nameof(address));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address[..colon], port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request and waits for its answer (or the connection's loss, or cancellation).</summary>
    public async Task<ClientResponse> SendAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        var correlation = (ulong)Interlocked.Increment(ref _nextCorrelation);
        request.CorrelationId = correlation;
        var answer = new TaskCompletionSource<ClientResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlation] = answer;
        try
        {
            if (!IsOpen || !_outbound.Writer.TryWrite(new Frame { Request = request }))
                throw new ConnectionLostException(Address, null);
            using var registration = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
            return await answer.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(correlation, out _);
        }
    }

    private async Task WriteLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync(_closed.Token).ConfigureAwait(false))
            {
                // Everything queued so far goes out in one write.
                while (buffer.WrittenCount < 1 << 20 && reader.TryRead(out var frame)) FrameCodec.Write(buffer, frame);
                await _stream.WriteAsync(buffer.WrittenMemory, _closed.Token).ConfigureAwait(false);
                await _stream.FlushAsync(_closed.Token).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Close(e);
        }
    }

    private async Task ReadLoopAsync()
    {
        var frames = new FrameReader(_stream);
        Exception? error = null;
        try
        {
            while (await frames.ReadAsync(_closed.Token).ConfigureAwait(false) is { } frame)
            {
                if (frame.BodyCase != Frame.BodyOneofCase.Response) throw new InvalidDataException($"unexpected {frame.BodyCase} frame from a silo");
                if (_pending.TryGetValue(frame.Response.CorrelationId, out var answer)) answer.TrySetResult(frame.Response);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            error = e;
        }
        Close(error);
    }

    private void Close(Exception? cause)
    {
        if (_closed.IsCancellationRequested) return;
        try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        _outbound.Writer.TryComplete();
        _stream.Dispose();
        foreach (var (_, answer) in _pending) answer.TrySetException(new ConnectionLostException(Address, cause));
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        await Task.WhenAll(_writer, _reader).ConfigureAwait(false);
        _closed.Dispose();
    }
}

/// <summary>The connection to a silo broke or could not be opened; whether a request on it was applied is unknown.</summary>
internal sealed class ConnectionLostException(string address, Exception? inner)
    : IOException($"connection to silo {address} lost" + (inner is null ? "" : $": {inner.Message}"), inner);
