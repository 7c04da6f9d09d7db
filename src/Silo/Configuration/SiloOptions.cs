namespace OrleansKv.Silo.Configuration;

/// <summary>
/// One silo's configuration, bound from the "Silo" section: a JSON file (--config), environment
/// variables (ORLEANSKV_Silo__Id=...) or flags (--id, --address, ... see <see cref="SiloCommandLine"/>).
/// Every silo of a cluster must list the same <see cref="Silos"/> and <see cref="Groups"/>.
/// </summary>
public sealed class SiloOptions
{
    public ulong Id { get; set; }

    /// <summary>The cluster's name: connections from another cluster are refused.</summary>
    public string Cluster { get; set; } = "orleanskv";

    /// <summary>host:port of this silo's framed endpoint (silo-to-silo and cluster clients).</summary>
    public string Address { get; set; } = "";

    /// <summary>URL of the co-hosted HTTP gateway; empty to run the silo without it.</summary>
    public string HttpUrl { get; set; } = "";

    /// <summary>Where the file storage provider keeps this silo's write-ahead log and snapshots.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>"file" (default, durable) or "memory" (tests; loses everything on exit).</summary>
    public string Storage { get; set; } = "file";

    /// <summary>The initial cluster: every silo's id and addresses.</summary>
    public List<SiloEndpoint> Silos { get; set; } = [];

    /// <summary>Number of data groups (replication groups); the hash slots are split evenly between them.</summary>
    public int Groups { get; set; } = 2;

    /// <summary>Replicas per group; groups are placed round-robin over the silos.</summary>
    public int ReplicationFactor { get; set; } = 3;

    /// <summary>Period of the grain timer that ticks every Raft peer grain.</summary>
    public int TickMilliseconds { get; set; } = 100;

    public int ElectionTicks { get; set; } = 10;

    /// <summary>A client request waits at most this long inside the silo before it is answered TIMEOUT.</summary>
    public int RequestTimeoutMilliseconds { get; set; } = 5000;

    public int MaxKeyBytes { get; set; } = 1024;

    public int MaxValueBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Entries between snapshots of a group's state machine (etcd's --snapshot-count default too).
    /// A snapshot encodes the whole key space, so taking it often costs more than the log it frees.
    /// </summary>
    public ulong SnapshotEveryEntries { get; set; } = 100_000;

    /// <summary>
    /// Log entry bytes each group keeps in memory (file storage). Older entries are read back from
    /// the log segments when a lagging follower or a restart needs them.
    /// </summary>
    public long MaxCachedEntryBytes { get; set; } = 4L << 20;

    /// <summary>Exposes /test/faults endpoints that cut the silo off from its peers. Tests only.</summary>
    public bool EnableTestFaults { get; set; }

    public void Validate()
    {
        if (Id == 0) throw new InvalidOperationException("Silo:Id must be a positive number (--id)");
        if (Silos.Count == 0) throw new InvalidOperationException("Silo:Silos must list the cluster's silos (--silos)");
        var self = Silos.Find(s => s.Id == Id)
            ?? throw new InvalidOperationException($"silo {Id} is not in Silo:Silos");
        if (Address.Length == 0) Address = self.Address;
        if (HttpUrl.Length == 0) HttpUrl = self.HttpUrl;
        if (Address.Length == 0) throw new InvalidOperationException($"silo {Id} has no address");
        if (Groups < 1) throw new InvalidOperationException("Silo:Groups must be at least 1");
        if (MaxCachedEntryBytes < 1) throw new InvalidOperationException("Silo:MaxCachedEntryBytes must be positive");
        if (ReplicationFactor < 1) throw new InvalidOperationException("Silo:ReplicationFactor must be at least 1");
        if (Storage is not ("file" or "memory")) throw new InvalidOperationException($"unknown storage provider '{Storage}' (file or memory)");
        if (Storage == "file" && DataDirectory.Length == 0) DataDirectory = Path.Combine("data", $"silo{Id}");
    }
}

/// <summary>A silo as the cluster knows it.</summary>
public sealed class SiloEndpoint
{
    public ulong Id { get; set; }
    public string Address { get; set; } = "";
    public string HttpUrl { get; set; } = "";
}
