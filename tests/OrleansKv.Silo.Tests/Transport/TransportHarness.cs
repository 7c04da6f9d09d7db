using System.Net;
using System.Net.Sockets;
using OrleansKv.Raft;
using OrleansKv.Silo.Transport;

namespace OrleansKv.Silo.Tests.Transport;

/// <summary>Builds transports on 127.0.0.1 and the Raft messages the tests send.</summary>
internal static class TransportHarness
{
    public const string Cluster = "test-cluster";

    public static TransportOptions Options(ulong siloId, int port = 0, IReadOnlyDictionary<ulong, string>? peers = null,
        long maxQueuedBytesPerPeer = 32L << 20, int batchTargetBytes = 1 << 20, string cluster = Cluster) => new()
    {
        SiloId = siloId,
        ClusterName = cluster,
        Listen = new IPEndPoint(IPAddress.Loopback, port),
        Peers = peers ?? new Dictionary<ulong, string>(),
        MaxQueuedBytesPerPeer = maxQueuedBytesPerPeer,
        BatchTargetBytes = batchTargetBytes,
        ReconnectMin = TimeSpan.FromMilliseconds(20),
        ReconnectMax = TimeSpan.FromMilliseconds(200),
    };

    public static SiloTransport Start(TransportOptions options, IInboundHandler handler)
    {
        var transport = new SiloTransport(options);
        transport.Start(handler);
        return transport;
    }

    /// <summary>Starts one transport per handler (silo ids 1..n) and introduces every pair.</summary>
    public static SiloTransport[] StartMesh(params RecordingHandler[] handlers)
    {
        var transports = handlers.Select((handler, i) => Start(Options((ulong)i + 1), handler)).ToArray();
        foreach (var from in transports)
            foreach (var to in transports)
                if (from != to) from.AddOrUpdatePeer(to.Options.SiloId, Address(to));
        return transports;
    }

    public static string Address(SiloTransport transport) => $"127.0.0.1:{transport.LocalEndPoint.Port}";

    /// <summary>A port nobody listens on right now, for a silo that starts later.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public static Message Append(ulong from, ulong to, ulong index, byte[]? data = null) => new()
    {
        Type = MessageType.AppendEntries,
        From = from,
        To = to,
        Term = 3,
        Index = index,
        Entries = [new Entry(index + 1, 3, EntryType.Normal, data ?? [(byte)index])],
        Commit = index,
    };

    public static async Task DisposeAllAsync(IEnumerable<SiloTransport> transports)
    {
        foreach (var transport in transports) await transport.DisposeAsync();
    }
}
