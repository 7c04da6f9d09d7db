using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>The gateway list clients read from the same table file the silos write.</summary>
public sealed class FileGatewayListProviderTests : IDisposable
{
    private readonly TableDirectory directory = new();
    private readonly string clusterId = "gateways-" + Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task GetGateways_returns_exactly_the_gateway_endpoints_of_the_Active_silos()
    {
        var table = await NewTableAsync();
        var active = new[] { TestEntries.NewEntry(SiloStatus.Active, 30_001), TestEntries.NewEntry(SiloStatus.Active, 30_002) };
        var others = Enum.GetValues<SiloStatus>()
            .Where(status => status != SiloStatus.Active)
            .Select(status => TestEntries.NewEntry(status, 30_100 + (int)status))
            .Append(TestEntries.NewEntry(SiloStatus.Active, proxyPort: 0)) // an Active silo with no gateway
            .ToList();
        foreach (var entry in active.Concat(others))
        {
            await table.InsertAsync(entry);
        }

        var gateways = await directory.CreateGatewayList(clusterId).GetGatewaysAsync();

        // The gateway is the silo's host and generation at its proxy port, not its silo port.
        var expected = active
            .Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri())
            .OrderBy(uri => uri.ToString());
        Assert.Equal(expected, gateways.OrderBy(uri => uri.ToString()));
        Assert.All(gateways, uri => Assert.Equal("gwy.tcp", uri.Scheme));
    }

    [Fact]
    public async Task GetGateways_drops_a_silo_once_its_row_says_it_is_no_longer_Active()
    {
        var table = await NewTableAsync();
        var entry = TestEntries.NewEntry(SiloStatus.Active, 30_001);
        await table.InsertAsync(entry);
        var provider = directory.CreateGatewayList(clusterId);
        await provider.InitializeGatewayListProviderAsync();
        Assert.Single(await provider.GetGatewaysAsync());

        var data = await table.ReadRowAsync(entry.SiloAddress);
        entry.Status = SiloStatus.ShuttingDown;
        Assert.True(await table.UpdateRowAsync(entry, data.Members[0].Item2, data.Version.Next()));

        Assert.Empty(await provider.GetGatewaysAsync());
    }

    [Fact]
    public async Task GetGateways_before_any_silo_created_the_table_is_empty()
    {
        var provider = directory.CreateGatewayList(clusterId);
        await provider.InitializeGatewayListProviderAsync();

        Assert.Empty(await provider.GetGatewaysAsync());
    }

    [Fact]
    public async Task GetGateways_reads_only_its_own_clusters_table()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(TestEntries.NewEntry(SiloStatus.Active));

        Assert.Empty(await directory.CreateGatewayList(clusterId + "-other").GetGatewaysAsync());
    }

    [Fact]
    public void The_list_is_as_stale_as_the_refresh_period_which_is_a_few_seconds()
    {
        var provider = directory.CreateGatewayList(clusterId);

        Assert.Equal(new FileClusteringOptions().GatewayListRefreshPeriod, provider.MaxStaleness);
        Assert.True(provider.MaxStaleness <= TimeSpan.FromSeconds(10));
    }

    private async Task<IMembershipTable> NewTableAsync()
    {
        var table = directory.CreateTable(clusterId);
        await table.InitializeMembershipTableAsync(true);
        return table;
    }
}
