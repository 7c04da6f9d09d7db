using System.Collections.Concurrent;
using Orleans;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// Two table instances on one directory, as two silo processes on one machine would have: each
/// takes the file lock on its own open of the lock file, so they exclude each other exactly as
/// two processes do. Racing conditional writes must neither lose an update nor both succeed.
/// </summary>
public sealed class SharedDirectoryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TableDirectory directory = new();
    private readonly string clusterId = "shared-" + Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Racing_read_modify_writes_from_two_tables_lose_no_update()
    {
        var tables = await TwoTablesAsync();
        var entry = TestEntries.NewEntry();
        await tables[0].InsertAsync(entry);
        const int workersPerTable = 4, incrementsPerWorker = 10;
        var winningVersions = new ConcurrentBag<int>();

        // Each worker adds one to UpdateZone, used as a counter, with the optimistic protocol
        // Orleans uses: read row and version, write both back conditionally, retry on refusal.
        var workers = tables.SelectMany(table => Enumerable.Range(0, workersPerTable).Select(_ => Task.Run(async () =>
        {
            for (var done = 0; done < incrementsPerWorker;)
            {
                var data = await table.ReadRowAsync(entry.SiloAddress);
                var (row, etag) = data.Members[0];
                row.UpdateZone++;
                var next = data.Version.Next();
                if (await table.UpdateRowAsync(row, etag, next))
                {
                    winningVersions.Add(next.Version);
                    done++;
                }
            }
        })));
        await Task.WhenAll(workers).WaitAsync(Bound);

        const int total = 2 * workersPerTable * incrementsPerWorker;
        var final = await tables[1].ReadAllAsync();
        Assert.Equal(total, Assert.Single(final.Members).Item1.UpdateZone);
        Assert.Equal(1 + total, final.Version.Version);
        // Every version number from 2 on was won by exactly one writer.
        Assert.Equal(Enumerable.Range(2, total), winningVersions.Order());
    }

    [Fact]
    public async Task Racing_inserts_of_different_silos_from_two_tables_all_land()
    {
        var tables = await TwoTablesAsync();
        var entries = Enumerable.Range(0, 20).Select(_ => TestEntries.NewEntry()).ToList();

        var inserts = entries.Select((entry, i) => Task.Run(async () =>
        {
            var table = tables[i % 2];
            while (!await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()))
            {
                // Refused because another insert bumped the version first: read it again.
            }
        }));
        await Task.WhenAll(inserts).WaitAsync(Bound);

        var final = await tables[0].ReadAllAsync();
        Assert.Equal(entries.Count, final.Members.Count);
        Assert.Equal(entries.Count, final.Version.Version);
        Assert.All(entries, entry => Assert.NotNull(final.TryGet(entry.SiloAddress)));
    }

    [Fact]
    public async Task Of_two_tables_inserting_one_silo_at_one_version_exactly_one_succeeds()
    {
        var tables = await TwoTablesAsync();
        var entry = TestEntries.NewEntry();
        var version = (await tables[0].ReadAllAsync()).Version.Next();

        var results = await Task.WhenAll(tables.Select(table => Task.Run(() => table.InsertRowAsync(entry, version))))
            .WaitAsync(Bound);

        Assert.Single(results, ok => ok);
        Assert.Single((await tables[1].ReadAllAsync()).Members);
    }

    [Fact]
    public async Task Heartbeats_from_one_table_and_updates_from_the_other_both_land()
    {
        var tables = await TwoTablesAsync();
        var entry = TestEntries.NewEntry();
        await tables[0].InsertAsync(entry);
        var alive = entry.IAmAliveTime;

        var heartbeats = Task.Run(async () =>
        {
            for (var i = 1; i <= 50; i++)
            {
                await tables[0].UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive.AddSeconds(i) });
            }
        });
        var statusChanges = Task.Run(async () =>
        {
            for (var zone = 1; zone <= 20;)
            {
                var data = await tables[1].ReadRowAsync(entry.SiloAddress);
                var (row, etag) = data.Members[0];
                row.FaultZone = zone;
                if (await tables[1].UpdateRowAsync(row, etag, data.Version.Next()))
                {
                    zone++;
                }
            }
        });
        await Task.WhenAll(heartbeats, statusChanges).WaitAsync(Bound);

        var final = Assert.Single((await tables[1].ReadAllAsync()).Members).Item1;
        Assert.Equal(20, final.FaultZone);
        // Heartbeats leave the version alone, so only the twenty status changes counted.
        Assert.Equal(1 + 20, (await tables[0].ReadAllAsync()).Version.Version);
        Assert.True(final.IAmAliveTime >= alive);
    }

    private async Task<FileMembershipTable[]> TwoTablesAsync()
    {
        var tables = new[] { directory.CreateTable(clusterId), directory.CreateTable(clusterId) };
        await Task.WhenAll(tables.Select(table => table.InitializeMembershipTableAsync(true)));
        return tables;
    }
}
