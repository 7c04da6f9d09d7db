using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace OrleansKv.Clustering;

/// <summary>
/// Tells an Orleans client where the gateways are by reading the cluster's membership table file
/// (the one <see cref="FileMembershipTable"/> keeps). It reads without the lock: the table is only
/// ever replaced whole by an atomic rename, so a read sees one complete version.
/// </summary>
public sealed class FileGatewayListProvider : IGatewayListProvider
{
    private readonly MembershipTableFile file;

    /// <summary>Creates the provider for the configured cluster id and directory.</summary>
    public FileGatewayListProvider(IOptions<FileClusteringOptions> options, IOptions<ClusterOptions> clusterOptions)
    {
        file = new MembershipTableFile(options.Value.Directory, clusterOptions.Value.ClusterId, options.Value.LockTimeout);
        MaxStaleness = options.Value.GatewayListRefreshPeriod;
    }

    /// <summary>
    /// How old the list may be: the client re-reads it this often (see
    /// <see cref="FileClusteringOptions.GatewayListRefreshPeriod"/>).
    /// </summary>
    public TimeSpan MaxStaleness { get; }

    /// <summary>Always true: the list follows the table as silos come and go.</summary>
    [Obsolete("Orleans no longer reads this; every provider is considered updatable.")]
    public bool IsUpdatable => true;

    /// <inheritdoc />
    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    /// <inheritdoc />
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync();

    /// <summary>
    /// The gateway URI of every Active silo that has a gateway (proxy port not 0). Empty, not an
    /// error, while no silo has created the table yet: a client may start before the cluster.
    /// </summary>
    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        var table = await file.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            return [];
        }

        var gateways = new List<Uri>();
        foreach (var row in table.Rows)
        {
            if (row.Status != SiloStatus.Active || row.ProxyPort == 0)
            {
                continue;
            }

            var silo = SiloAddress.FromParsableString(row.SiloAddress);
            // A gateway is the silo's host and generation at its proxy port, not its silo port.
            gateways.Add(SiloAddress.New(silo.Endpoint.Address, row.ProxyPort, silo.Generation).ToGatewayUri());
        }

        return gateways;
    }
}
