using OrleansKv.Api;

namespace OrleansKv.Silo.Configuration;

/// <summary>
/// One silo's settings, bound from the <c>Silo</c> section: a JSON file (<c>--config</c>),
/// environment variables (<c>ORLEANSKV_Silo__Name=silo1</c>) or flags (<c>--name silo1</c>; see
/// <see cref="SiloCommandLine"/>). Every silo of a cluster lists the same <see cref="Silos"/>,
/// <see cref="Groups"/> and <see cref="ReplicationFactor"/>: they decide where replicas live.
/// </summary>
public sealed class SiloSettings
{
    /// <summary>This silo's name (Orleans's <c>SiloOptions.SiloName</c>): the name of every replica it hosts.</summary>
    public string Name { get; set; } = "";

    /// <summary>The Orleans cluster id; clients use the same. Defaults to <c>Orleans:ClusterId</c> if set, else "orleanskv".</summary>
    public string ClusterId { get; set; } = "";

    /// <summary>The Orleans service id. Defaults to <c>Orleans:ServiceId</c> if set, else "orleanskv".</summary>
    public string ServiceId { get; set; } = "";

    /// <summary>
    /// The IP address this silo advertises to the cluster (and listens on, unless <see cref="ListenOnAnyAddress"/>),
    /// or <see cref="AutoAddress"/>: the host's first non-loopback IPv4 address (a container's own
    /// address), listening on every interface. <see cref="ResolveAddressAsync"/> replaces <c>auto</c> with the address found.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The <see cref="Address"/> that asks for the host's own address.</summary>
    public const string AutoAddress = "auto";

    /// <summary>
    /// A DNS name whose IPv4 address the silo advertises instead of <see cref="Address"/>, looked up
    /// at start (<see cref="ResolveAddressAsync"/>), listening on every interface: for silos that
    /// reach this one through an address that is not its own. In Azure Container Apps that is the
    /// app's internal name, <c>{app}.internal.{environment domain}</c>, which resolves to the
    /// environment's address; it routes each app's own TCP ports (<see cref="SiloPort"/> and
    /// <see cref="GatewayPort"/>, one pair per silo) to that app.
    /// </summary>
    public string AdvertisedHost { get; set; } = "";

    /// <summary>Listen on every interface rather than only on <see cref="Address"/> (containers).</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>Orleans's silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans's gateway port, where clients connect.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>URL of the co-hosted HTTP gateway.</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Where the <c>file</c> grain storage provider keeps this silo's replicas' state (its segments). Default: data/{Name}.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// Where replicas keep term, vote, log and snapshots: "file" (default: our file grain storage,
    /// one group-committed log under <see cref="DataDirectory"/>), "memory" (Orleans's memory grain storage; tests,
    /// loses everything on exit) or "azureblob" (Orleans's Azure Blob grain storage, see
    /// <see cref="AzureBlobServiceUri"/> and <see cref="AzureBlobConnectionString"/>).
    /// </summary>
    public string Storage { get; set; } = "file";

    /// <summary>With "azureblob" storage in Azure: the account's blob endpoint, reached with the silo's managed identity (DefaultAzureCredential), no key.</summary>
    public string AzureBlobServiceUri { get; set; } = "";

    /// <summary>With "azureblob" storage elsewhere (Azurite): a connection string, used when no service URI is given.</summary>
    public string AzureBlobConnectionString { get; set; } = "";

    /// <summary>With "azureblob" storage: the blob container that holds the grain states.</summary>
    public string AzureBlobContainer { get; set; } = "orleanskv-grainstate";

    /// <summary>How silos find each other: "file" (an embedded membership table in <see cref="ClusteringDirectory"/>) or "azuretable".</summary>
    public string Clustering { get; set; } = "file";

    /// <summary>The folder of the embedded membership table, shared by every silo of a local cluster. Default: data/cluster.</summary>
    public string ClusteringDirectory { get; set; } = "";

    /// <summary>With "azuretable" clustering in Azure: the account's table endpoint, reached with the silo's managed identity (DefaultAzureCredential), no key.</summary>
    public string AzureTableServiceUri { get; set; } = "";

    /// <summary>With "azuretable" clustering elsewhere (Azurite): a connection string, used when no service URI is given.</summary>
    public string AzureTableConnectionString { get; set; } = "";

    /// <summary>The names of the cluster's silos, in order: the replicas of every group are placed on them.</summary>
    public List<string> Silos { get; set; } = [];

    /// <summary>Number of data groups (replication groups); the hash slots are split evenly between them.</summary>
    public int Groups { get; set; } = 2;

    /// <summary>Replicas per group; groups are placed round-robin over the silos.</summary>
    public int ReplicationFactor { get; set; } = 3;

    /// <summary>Period of the grain timer that ticks every Raft peer grain.</summary>
    public int TickMilliseconds { get; set; } = 100;

    public int ElectionTicks { get; set; } = 10;

    /// <summary>A client request waits at most this long inside a peer before it is answered TIMEOUT.</summary>
    public int RequestTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>Key limit this silo's gateway checks, and its peers stamp on the writes they propose as leader.</summary>
    public int MaxKeyBytes { get; set; } = 1024;

    /// <summary>Value limit this silo's gateway checks, and its peers stamp on the writes they propose as leader.</summary>
    public int MaxValueBytes { get; set; } = 1 << 20;

    /// <summary>Entries between snapshots of a group's state machine (etcd's --snapshot-count default too).</summary>
    public ulong SnapshotEveryEntries { get; set; } = 100_000;

    /// <summary>
    /// Entry bytes applied between snapshots of a group's state machine, whichever of this and
    /// <see cref="SnapshotEveryEntries"/> comes first. A replica holds its log since the last
    /// snapshot in memory, so this bounds that memory.
    /// </summary>
    public long SnapshotEveryBytes { get; set; } = 16L << 20;

    /// <summary>
    /// The key every request to this silo's HTTP gateway must carry, except the health probes
    /// (<c>Authorization: Bearer</c> or <c>X-Api-Key</c>); empty: no key is needed. Set it in the
    /// environment (<c>Silo__ApiKey</c>), not on a command line other users can read.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>Exposes /test/faults endpoints that cut the silo off from its peers. Tests only.</summary>
    public bool EnableTestFaults { get; set; }

    /// <summary>Fills in defaults and checks the settings; throws <see cref="InvalidOperationException"/> with what is wrong.</summary>
    public void Validate()
    {
        if (Name.Length == 0) throw new InvalidOperationException("Silo:Name must name this silo (--name silo1)");
        if (Silos.Count == 0) throw new InvalidOperationException("Silo:Silos must list the cluster's silos (--silos silo1,silo2,silo3)");
        if (!Silos.Contains(Name)) throw new InvalidOperationException($"silo {Name} is not in Silo:Silos ({string.Join(",", Silos)})");
        if (ClusterId.Length == 0) ClusterId = "orleanskv";
        if (ServiceId.Length == 0) ServiceId = "orleanskv";
        if (AdvertisedHost.Length > 0 && Uri.CheckHostName(AdvertisedHost) != UriHostNameType.Dns)
            throw new InvalidOperationException($"Silo:AdvertisedHost '{AdvertisedHost}' is not a DNS name");
        if (!IsAutoAddress && !System.Net.IPAddress.TryParse(Address, out _))
            throw new InvalidOperationException($"Silo:Address '{Address}' is neither an IP address nor {AutoAddress}");
        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535) throw new InvalidOperationException("Silo:SiloPort and Silo:GatewayPort must be TCP ports");
        if (Groups < 1) throw new InvalidOperationException("Silo:Groups must be at least 1");
        if (ReplicationFactor < 1) throw new InvalidOperationException("Silo:ReplicationFactor must be at least 1");
        if (SnapshotEveryEntries < 1 || SnapshotEveryBytes < 1) throw new InvalidOperationException("Silo:SnapshotEveryEntries and Silo:SnapshotEveryBytes must be positive");
        if (TickMilliseconds < 1) throw new InvalidOperationException("Silo:TickMilliseconds must be positive");
        if (Storage is not ("file" or "memory" or "azureblob")) throw new InvalidOperationException($"unknown storage provider '{Storage}' (file, memory or azureblob)");
        if (Storage == "azureblob" && AzureBlobServiceUri.Length == 0 && AzureBlobConnectionString.Length == 0)
            throw new InvalidOperationException("azureblob storage needs Silo:AzureBlobServiceUri (Azure, managed identity) or Silo:AzureBlobConnectionString (Azurite)");
        ThrowUnlessServiceUri(AzureBlobServiceUri, "Silo:AzureBlobServiceUri");
        if (Clustering is not ("file" or "azuretable")) throw new InvalidOperationException($"unknown clustering '{Clustering}' (file or azuretable)");
        if (Clustering == "azuretable" && AzureTableServiceUri.Length == 0 && AzureTableConnectionString.Length == 0)
            throw new InvalidOperationException("azuretable clustering needs Silo:AzureTableServiceUri (Azure, managed identity) or Silo:AzureTableConnectionString (Azurite)");
        ThrowUnlessServiceUri(AzureTableServiceUri, "Silo:AzureTableServiceUri");
        if (ApiKey.Length > 0) GatewayApiKey.Validate(ApiKey, "Silo:ApiKey");
        if (DataDirectory.Length == 0) DataDirectory = Path.Combine("data", Name);
        if (ClusteringDirectory.Length == 0) ClusteringDirectory = Path.Combine("data", "cluster");
    }

    /// <summary>
    /// Puts the address to advertise in <see cref="Address"/> when the settings name it another way:
    /// the address <see cref="AdvertisedHost"/> resolves to (retried for up to <paramref name="dnsTimeout"/>,
    /// since a container's DNS can lag its start), or this host's own for <c>auto</c>. The silo then
    /// listens on every interface. Throws <see cref="InvalidOperationException"/> when there is no such address.
    /// </summary>
    public async Task ResolveAddressAsync(TimeSpan dnsTimeout, CancellationToken cancellationToken)
    {
        if (AdvertisedHost.Length > 0)
        {
            Address = (await AdvertisedAddress.OfHostAsync(AdvertisedHost, dnsTimeout, cancellationToken)).ToString();
            ListenOnAnyAddress = true;
        }
        else if (IsAutoAddress)
        {
            Address = (AdvertisedAddress.OwnIPv4() ?? throw new InvalidOperationException(
                "Silo:Address is auto, but this host has no non-loopback IPv4 address to advertise; give the address instead")).ToString();
            ListenOnAnyAddress = true;
        }
    }

    private bool IsAutoAddress => string.Equals(Address, AutoAddress, StringComparison.OrdinalIgnoreCase);

    // A service URI is an absolute http(s) URL such as https://account.table.core.windows.net.
    private static void ThrowUnlessServiceUri(string value, string setting)
    {
        if (value.Length > 0 && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            throw new InvalidOperationException($"{setting} '{value}' is not an http(s) URL");
    }
}
