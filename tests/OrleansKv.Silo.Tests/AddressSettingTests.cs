using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace OrleansKv.Silo.Tests;

/// <summary>
/// The address a silo advertises: Silo:Address (127.0.0.1 locally, or <c>auto</c>: a container's
/// own address), or the address Silo:AdvertisedHost resolves to (Azure Container Apps), as the
/// silo settles it at start.
/// </summary>
public sealed class AddressSettingTests
{
    [Fact]
    public async Task The_local_default_is_127_0_0_1_listening_there_only()
    {
        var settings = Settings.Bind();
        await settings.ResolveAddressAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal("127.0.0.1", settings.Address);
        Assert.False(settings.ListenOnAnyAddress);
    }

    [Fact]
    public async Task Auto_advertises_one_of_this_hosts_own_non_loopback_IPv4_addresses_and_listens_on_every_interface()
    {
        var settings = Settings.Bind(("Silo:Address", "auto"));
        await settings.ResolveAddressAsync(TimeSpan.Zero, CancellationToken.None);

        var address = IPAddress.Parse(settings.Address);
        Assert.Equal(AddressFamily.InterNetwork, address.AddressFamily);
        Assert.False(IPAddress.IsLoopback(address));
        var own = NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address);
        Assert.Contains(address, own);
        Assert.True(settings.ListenOnAnyAddress);
    }

    [Theory]
    [InlineData("")]
    [InlineData("silo1.example")]
    public void An_address_that_is_neither_an_IP_address_nor_auto_is_refused(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings.Bind(("Silo:Address", value)));
        Assert.Contains("auto", error.Message);
    }

    [Fact]
    public async Task An_advertised_host_replaces_the_address_with_the_one_it_resolves_to_and_listens_on_every_interface()
    {
        var settings = Settings.Bind(("Silo:AdvertisedHost", "localhost"), ("Silo:Address", "10.0.0.1"));
        await settings.ResolveAddressAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal("127.0.0.1", settings.Address);
        Assert.True(settings.ListenOnAnyAddress);
    }

    [Theory]
    [InlineData("silo 1")]
    [InlineData("10.0.0.1")]
    [InlineData("https://silo1.example")]
    public void An_advertised_host_that_is_not_a_DNS_name_is_refused(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings.Bind(("Silo:AdvertisedHost", value)));
        Assert.Contains("Silo:AdvertisedHost", error.Message);
    }

    [Fact]
    public async Task An_advertised_host_that_does_not_resolve_stops_the_start_naming_it()
    {
        // .invalid never resolves (RFC 6761); no retry (a zero timeout) since the answer cannot change.
        var settings = Settings.Bind(("Silo:AdvertisedHost", "silo1.orleanskv.invalid"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => settings.ResolveAddressAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.StartsWith("cannot resolve Silo:AdvertisedHost 'silo1.orleanskv.invalid': ", error.Message);
    }
}
