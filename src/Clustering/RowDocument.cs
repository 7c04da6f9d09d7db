using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Clustering;

/// <summary>
/// One silo's membership row as stored on disk: every <see cref="MembershipEntry"/> field plus the
/// row's etag. Addresses are kept as <c>SiloAddress.ToParsableString()</c> so the file is readable
/// and parses back to the exact endpoint and generation.
/// </summary>
internal sealed class RowDocument
{
    /// <summary>The silo (endpoint and generation), as a parsable string; the row's key.</summary>
    public string SiloAddress { get; set; } = "";

    /// <summary>Changes whenever UpdateRow replaces the row; UpdateRow callers must present it.</summary>
    public string ETag { get; set; } = "";

    /// <summary>The silo's status in the membership protocol.</summary>
    public SiloStatus Status { get; set; }

    /// <summary>The silo's gateway (client) port; 0 when it has no gateway.</summary>
    public int ProxyPort { get; set; }

    /// <summary>The host the silo runs on.</summary>
    public string? HostName { get; set; }

    /// <summary>The silo's name within the cluster.</summary>
    public string? SiloName { get; set; }

    /// <summary>Optional role name.</summary>
    public string? RoleName { get; set; }

    /// <summary>Optional update zone.</summary>
    public int UpdateZone { get; set; }

    /// <summary>Optional fault zone.</summary>
    public int FaultZone { get; set; }

    /// <summary>When the silo started.</summary>
    public DateTime StartTime { get; set; }

    /// <summary>The last time the silo said it was alive (the only field UpdateIAmAlive writes).</summary>
    public DateTime IAmAliveTime { get; set; }

    /// <summary>Votes of other silos that suspect this one; null when there are none.</summary>
    public List<SuspicionDocument>? SuspectTimes { get; set; }

    /// <summary>Builds the stored row for <paramref name="entry"/> with the given etag.</summary>
    public static RowDocument FromEntry(MembershipEntry entry, string etag) => new()
    {
        SiloAddress = entry.SiloAddress.ToParsableString(),
        ETag = etag,
        Status = entry.Status,
        ProxyPort = entry.ProxyPort,
        HostName = entry.HostName,
        SiloName = entry.SiloName,
        RoleName = entry.RoleName,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
        SuspectTimes = entry.SuspectTimes?
            .Select(vote => new SuspicionDocument { Silo = vote.Item1.ToParsableString(), Time = vote.Item2 })
            .ToList(),
    };

    /// <summary>A fresh <see cref="MembershipEntry"/> (nothing shared with this row).</summary>
    public MembershipEntry ToEntry() => new()
    {
        SiloAddress = Orleans.Runtime.SiloAddress.FromParsableString(SiloAddress),
        Status = Status,
        ProxyPort = ProxyPort,
        HostName = HostName!,
        SiloName = SiloName!,
        RoleName = RoleName,
        UpdateZone = UpdateZone,
        FaultZone = FaultZone,
        StartTime = StartTime,
        IAmAliveTime = IAmAliveTime,
        SuspectTimes = SuspectTimes?
            .Select(vote => Tuple.Create(Orleans.Runtime.SiloAddress.FromParsableString(vote.Silo), vote.Time))
            .ToList(),
    };

    /// <summary>
    /// The latest moment this row is known to have been touched: start, last I-am-alive, or the
    /// newest suspicion vote (a silo declared dead recently has a recent vote even if it stopped
    /// reporting long ago). Defunct-row cleanup keeps rows newer than its cut-off by this time.
    /// </summary>
    public DateTime LastUpdatedUtc()
    {
        var latest = Max(ToUtc(StartTime), ToUtc(IAmAliveTime));
        foreach (var vote in SuspectTimes ?? [])
        {
            latest = Max(latest, ToUtc(vote.Time));
        }

        return latest;
    }

    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        // Orleans records these times as UtcNow; an unspecified kind came from such a value.
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
