using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace OrleansKv.Silo.Configuration;

/// <summary>
/// Finds the IPv4 address a silo advertises to the cluster when its settings do not give one: its
/// own (<c>Silo:Address=auto</c>), or the one a DNS name resolves to (<c>Silo:AdvertisedHost</c>).
/// Neither falls back to loopback as Orleans would: the silo refuses to start rather than
/// advertise an address no other silo can reach.
/// </summary>
internal static class AdvertisedAddress
{
    /// <summary>
    /// The first IPv4 address of a network interface that is not down and is neither loopback nor
    /// link-local (169.254.0.0/16, which no other host can route to): a container's own address.
    /// </summary>
    public static IPAddress? OwnIPv4()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            // Some virtual interfaces never report a state (Linux operstate "unknown") yet carry traffic.
            if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown) || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address) && !IsLinkLocal(address)) return address;
            }
        }
        return null;
    }

    /// <summary>
    /// The first IPv4 address <paramref name="host"/> resolves to. Asked again every second until
    /// <paramref name="timeout"/> has passed; then throws <see cref="InvalidOperationException"/> with the last error.
    /// </summary>
    public static async Task<IPAddress> OfHostAsync(string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string error;
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, cancellationToken);
                if (addresses.Length > 0) return addresses[0];
                error = "it has no IPv4 address";
            }
            catch (SocketException e)
            {
                error = e.Message;
            }
            if (DateTime.UtcNow >= deadline) throw new InvalidOperationException($"cannot resolve Silo:AdvertisedHost '{host}': {error}");
            // The retry period of a lookup that failed: a container's DNS entry can appear a few seconds after it starts.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static bool IsLinkLocal(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return bytes[0] == 169 && bytes[1] == 254;
    }
}
