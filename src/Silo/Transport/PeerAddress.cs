using System.Net;
using System.Net.Sockets;

namespace OrleansKv.Silo.Transport;

/// <summary>Dials "host:port" (a literal IPv4/IPv6 address, "[v6]:port", or a DNS name).</summary>
internal static class PeerAddress
{
    public static EndPoint Parse(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
            throw new FormatException($"'{address}' is not host:port");
        var host = address[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }

    public static async Task<Socket> ConnectAsync(string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var endPoint = Parse(address);
        var socket = endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, deadline.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
