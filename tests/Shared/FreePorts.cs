using System.Net;
using System.Net.Sockets;

namespace OrleansKv.Testing;

/// <summary>
/// Free TCP ports on 127.0.0.1 for servers a test starts. They are chosen below the kernel's
/// ephemeral range: a port the kernel handed out for port 0 may be given again to an outgoing
/// connection (Orleans clients, HTTP) before the server binds it, which fails the server's start.
/// Each is checked by binding it; all are held until every port is chosen, so they differ.
/// </summary>
internal static class FreePorts
{
    private const int Lowest = 10_000;

    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            var below = EphemeralRangeStart();
            for (var attempt = 0; listeners.Count < count; attempt++)
            {
                // Random candidates below the ephemeral range; port 0 if that keeps failing.
                var port = below > Lowest + 1000 && attempt < 200 ? Random.Shared.Next(Lowest, below) : 0;
                var listener = new TcpListener(IPAddress.Loopback, port);
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    // Taken by another test or process: try another.
                    listener.Stop();
                }
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    // Linux keeps the range in /proc; elsewhere the IANA dynamic range starts at 49152.
    private static int EphemeralRangeStart()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            return int.Parse(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49_152;
        }
    }
}
