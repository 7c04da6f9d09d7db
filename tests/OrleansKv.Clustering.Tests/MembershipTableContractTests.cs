using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// What any <see cref="IMembershipTable"/> must do, as Orleans's membership protocol relies on it.
/// A provider runs the suite by deriving from this class and saying how to build its table.
/// Each test gets its own cluster id, so providers sharing one store do not see each other.
/// </summary>
public abstract partial class MembershipTableContractTests : IAsyncLifetime
{
    /// <summary>The cluster id of this test's table.</summary>
    protected string ClusterId { get; } = "contract-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The table under test, initialised with tryInitTableVersion = true.</summary>
    protected IMembershipTable Table { get; private set; } = null!;

    /// <summary>Builds a table of the provider under test for <paramref name="clusterId"/>.</summary>
    protected abstract IMembershipTable CreateTable(string clusterId);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Table = CreateTable(ClusterId);
        await Table.InitializeMembershipTableAsync(true);
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync() => await Table.DeleteMembershipTableEntriesAsync(ClusterId);

    [Fact]
    public async Task A_new_table_is_empty_at_version_zero()
    {
        var data = await Table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
    }

    [Fact]
    public async Task InitializeMembershipTable_keeps_an_existing_table()
    {
        await Table.InsertAsync(TestEntries.NewEntry());

        await CreateTable(ClusterId).InitializeMembershipTableAsync(true);

        var data = await Table.ReadAllAsync();
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task InsertRow_adds_the_row_and_stores_the_callers_version_with_a_new_etag()
    {
        var before = (await Table.ReadAllAsync()).Version;
        var entry = TestEntries.NewEntry();

        Assert.True(await Table.InsertRowAsync(entry, before.Next()));

        var data = await Table.ReadAllAsync();
        Assert.Equal(entry.SiloAddress, Assert.Single(data.Members).Item1.SiloAddress);
        Assert.Equal(1, data.Version.Version);
        Assert.NotEqual(before.VersionEtag, data.Version.VersionEtag);
    }

    [Fact]
    public async Task InsertRow_refuses_a_second_row_for_the_same_silo()
    {
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);

        var current = (await Table.ReadAllAsync()).Version;
        Assert.False(await Table.InsertRowAsync(entry, current.Next()));

        var data = await Table.ReadAllAsync();
        Assert.Single(data.Members);
        Assert.Equal(current, data.Version);
    }

    [Fact]
    public async Task InsertRow_refuses_a_table_version_whose_etag_is_stale()
    {
        var stale = (await Table.ReadAllAsync()).Version.Next();
        Assert.True(await Table.InsertRowAsync(TestEntries.NewEntry(), stale));

        Assert.False(await Table.InsertRowAsync(TestEntries.NewEntry(), stale));

        var data = await Table.ReadAllAsync();
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task UpdateRow_with_current_etags_replaces_the_row_and_bumps_the_version()
    {
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);
        var data = await Table.ReadRowAsync(entry.SiloAddress);
        var etag = data.Members[0].Item2;

        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, etag, data.Version.Next()));

        var after = await Table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
        Assert.NotEqual(etag, after.Members[0].Item2);
        Assert.Equal(2, after.Version.Version);
        Assert.NotEqual(data.Version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task UpdateRow_refuses_a_stale_row_etag()
    {
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);
        var first = await Table.ReadRowAsync(entry.SiloAddress);
        var oldETag = first.Members[0].Item2;
        Assert.True(await Table.UpdateRowAsync(entry, oldETag, first.Version.Next()));
        var current = (await Table.ReadAllAsync()).Version;

        entry.Status = SiloStatus.Dead;
        Assert.False(await Table.UpdateRowAsync(entry, oldETag, current.Next()));

        var data = await Table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(SiloStatus.Joining, data.Members[0].Item1.Status);
        Assert.Equal(current, data.Version);
    }

    [Fact]
    public async Task UpdateRow_refuses_a_table_version_whose_etag_is_stale()
    {
        var entry = TestEntries.NewEntry();
        var stale = (await Table.ReadAllAsync()).Version.Next();
        Assert.True(await Table.InsertRowAsync(entry, stale));
        var etag = (await Table.ReadRowAsync(entry.SiloAddress)).Members[0].Item2;

        entry.Status = SiloStatus.Active;
        Assert.False(await Table.UpdateRowAsync(entry, etag, stale));

        var data = await Table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(SiloStatus.Joining, data.Members[0].Item1.Status);
        Assert.Equal(etag, data.Members[0].Item2);
    }

    [Fact]
    public async Task UpdateRow_refuses_a_silo_that_has_no_row()
    {
        var version = (await Table.ReadAllAsync()).Version;

        Assert.False(await Table.UpdateRowAsync(TestEntries.NewEntry(), "no-such-etag", version.Next()));

        Assert.Empty((await Table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task UpdateIAmAlive_changes_only_the_IAmAlive_time_and_not_the_version()
    {
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);
        var before = await Table.ReadRowAsync(entry.SiloAddress);
        var alive = entry.IAmAliveTime.AddSeconds(30);

        // Orleans sends just the address and the time; every other field must be left alone.
        await Table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive });

        var after = await Table.ReadRowAsync(entry.SiloAddress);
        var row = after.Members[0].Item1;
        Assert.Equal(alive, row.IAmAliveTime);
        Assert.Equal(entry.Status, row.Status);
        Assert.Equal(entry.SiloName, row.SiloName);
        Assert.Equal(entry.ProxyPort, row.ProxyPort);
        Assert.Equal(entry.StartTime, row.StartTime);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task A_row_read_before_heartbeats_can_still_be_updated_after_them()
    {
        // Orleans 10: heartbeats are row- and table-etag neutral, so a silo voting on another
        // is not refused just because the suspect is still sending heartbeats.
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);
        var read = await Table.ReadRowAsync(entry.SiloAddress);

        for (var i = 1; i <= 3; i++)
        {
            await Table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = entry.IAmAliveTime.AddSeconds(i) });
        }

        entry.Status = SiloStatus.Dead;
        Assert.True(await Table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next()));
        Assert.Equal(SiloStatus.Dead, (await Table.ReadRowAsync(entry.SiloAddress)).Members[0].Item1.Status);
    }

    [Fact]
    public async Task ReadRow_returns_the_row_with_its_etag_and_the_table_version()
    {
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);
        await Table.InsertAsync(TestEntries.NewEntry());
        var all = await Table.ReadAllAsync();

        var data = await Table.ReadRowAsync(entry.SiloAddress);

        var (row, etag) = Assert.Single(data.Members);
        Assert.Equal(entry.SiloAddress, row.SiloAddress);
        Assert.Equal(all.TryGet(entry.SiloAddress)!.Item2, etag);
        Assert.Equal(all.Version, data.Version);
    }

    [Fact]
    public async Task ReadRow_of_an_unknown_silo_returns_no_row_but_the_table_version()
    {
        await Table.InsertAsync(TestEntries.NewEntry());

        var data = await Table.ReadRowAsync(TestEntries.NewSiloAddress());

        Assert.Empty(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task Every_field_of_an_entry_is_read_back_as_written()
    {
        var entry = TestEntries.NewEntry(SiloStatus.Active, proxyPort: 30_123);
        entry.RoleName = "role";
        entry.UpdateZone = 3;
        entry.FaultZone = 7;
        entry.StartTime = entry.StartTime.AddMinutes(-5);
        entry.AddSuspector(TestEntries.NewSiloAddress(22_222), entry.IAmAliveTime.AddSeconds(1));
        entry.AddSuspector(TestEntries.NewSiloAddress(33_333), entry.IAmAliveTime.AddSeconds(2));

        await Table.InsertAsync(entry);

        var row = Assert.Single((await Table.ReadAllAsync()).Members).Item1;
        Assert.Equal(entry.ToFullString(), row.ToFullString());
        Assert.Equal(entry.SuspectTimes, row.SuspectTimes);
        Assert.Equal(DateTimeKind.Utc, row.IAmAliveTime.Kind);
    }

    [Fact]
    public async Task Each_conditional_update_of_one_version_succeeds_only_once()
    {
        var entry = TestEntries.NewEntry();
        await Table.InsertAsync(entry);
        var data = await Table.ReadRowAsync(entry.SiloAddress);

        // Twenty writers all read the same row and version; exactly one may win.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Table.UpdateRowAsync(entry, data.Members[0].Item2, data.Version.Next())));

        Assert.Single(results, ok => ok);
        Assert.Equal(2, (await Table.ReadAllAsync()).Version.Version);
    }
}
