using System.Net;
using System.Net.Sockets;
using OrleansKv.Contracts;

namespace OrleansKv.Silo.Tests.Transport;

/// <summary>A hand-driven connection to a silo: a cluster client, or a misbehaving caller.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly FrameReader _reader;

    private RawConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new FrameReader(_stream);
    }

    public static async Task<RawConnection> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawConnection(socket);
    }

    public static async Task<RawConnection> ConnectClientAsync(IPEndPoint endPoint, string cluster)
    {
        var connection = await ConnectAsync(endPoint);
        await connection.SendAsync(new Frame { Hello = new Hello { SiloId = 0, Cluster = cluster } });
        return connection;
    }

    public Task SendAsync(Frame frame) => SendBytesAsync(FrameCodec.ToArray(frame));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    public Task SendRequestAsync(ulong correlation, string key) =>
        SendAsync(new Frame
        {
            Request = new ClientRequest
            {
                CorrelationId = correlation,
                Kv = new KvRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8(key), Operation = KvOperation.Get },
            },
        });

    public async Task<Frame> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        return await _reader.ReadAsync(timeout.Token) ?? throw new IOException("the silo closed the connection");
    }

    /// <summary>True once the silo has closed the connection (end of stream or reset), within the timeout.</summary>
    public async Task<bool> IsClosedBySiloAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var scratch = new byte[1024];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(scratch, timeout.Token) == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
