using System.Net;
using OrleansKv.Contracts;

namespace OrleansKv.Silo.Transport;

/// <summary>Settings of one silo's framed TCP endpoint and of its connections to the other silos.</summary>
public sealed class TransportOptions
{
    /// <summary>This silo's id (also its Raft node id). Sent in the Hello frame of every dialled connection.</summary>
    public ulong SiloId { get; init; }

    /// <summary>Connections whose Hello names another cluster are refused.</summary>
    public string ClusterName { get; init; } = "orleanskv";

    /// <summary>Where to listen; port 0 picks a free port (see <see cref="SiloTransport.LocalEndPoint"/>).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>The other silos: id -> "host:port". Entries for this silo's own id are ignored.</summary>
    public IReadOnlyDictionary<ulong, string> Peers { get; init; } = new Dictionary<ulong, string>();

    /// <summary>Bytes of Raft traffic queued for one peer before further messages are dropped.</summary>
    public long MaxQueuedBytesPerPeer { get; init; } = 32L << 20;

    /// <summary>Bytes of responses queued for one client connection before further responses are dropped.</summary>
    public long MaxQueuedBytesPerClient { get; init; } = 32L << 20;

    /// <summary>
    /// Hard limit of one frame on both ends: a reader closes a connection that announces a larger
    /// frame, and a single Raft message that would not fit is dropped when sent.
    /// </summary>
    public int MaxFrameBytes { get; init; } = FrameCodec.DefaultMaxFrameBytes;

    /// <summary>
    /// A batch frame is closed once it holds this many bytes and the rest goes in the next frame,
    /// so one big backlog does not become one huge buffer. A single larger message still goes alone.
    /// </summary>
    public int BatchTargetBytes { get; init; } = 1 << 20;

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A dial that has not connected by then counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An accepted connection that sends no Hello within this time is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
