using System.Net;
using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>Membership entries and silo addresses for table tests, each silo a new incarnation.</summary>
internal static class TestEntries
{
    private static int generation = 1_000;

    /// <summary>A silo address on 127.0.0.1 with a generation no other test uses.</summary>
    public static SiloAddress NewSiloAddress(int port = 11_111) =>
        SiloAddress.New(IPAddress.Loopback, port, Interlocked.Increment(ref generation));

    /// <summary>
    /// An entry as a joining silo writes it, times cut to whole seconds (stores may round).
    /// The gateway port differs from the silo port, so a test can tell which one a reader used.
    /// </summary>
    public static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, int proxyPort = 30_000)
    {
        var address = NewSiloAddress();
        var now = NowToTheSecond();
        return new MembershipEntry
        {
            SiloAddress = address,
            Status = status,
            ProxyPort = proxyPort,
            HostName = "test-host",
            SiloName = $"silo-{address.Generation}",
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    /// <summary>UTC now without its sub-second part.</summary>
    public static DateTime NowToTheSecond()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    /// <summary>An entry last heard of <paramref name="age"/> ago.</summary>
    public static MembershipEntry Aged(this MembershipEntry entry, TimeSpan age)
    {
        entry.StartTime -= age;
        entry.IAmAliveTime -= age;
        return entry;
    }

    /// <summary>Reads the table and inserts <paramref name="entry"/> at the next version; asserts it took.</summary>
    public static async Task InsertAsync(this IMembershipTable table, MembershipEntry entry)
    {
        var version = (await table.ReadAllAsync()).Version;
        Assert.True(await table.InsertRowAsync(entry, version.Next()), $"InsertRow of {entry} at {version.Next()} failed");
    }
}
