using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>The housekeeping half of the contract: removing defunct rows and whole clusters.</summary>
public abstract partial class MembershipTableContractTests
{
    [Fact]
    public async Task CleanupDefunctSiloEntries_removes_the_Dead_rows_older_than_the_cut_off_and_nothing_else()
    {
        // Orleans 10: only Dead rows go. A silo stuck Joining or ShuttingDown is still the
        // membership protocol's business (it will be voted dead), not the cleanup's.
        var tenDays = TimeSpan.FromDays(10);
        foreach (var status in Enum.GetValues<SiloStatus>())
        {
            await Table.InsertAsync(TestEntries.NewEntry(status).Aged(tenDays));
        }

        var recentDead = TestEntries.NewEntry(SiloStatus.Dead);
        await Table.InsertAsync(recentDead);

        await Table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(3));

        var left = (await Table.ReadAllAsync()).Members.Select(m => m.Item1).ToList();
        Assert.Equal(Enum.GetValues<SiloStatus>().Length, left.Count);
        Assert.Equal(
            Enum.GetValues<SiloStatus>().Where(s => s != SiloStatus.Dead).Order(),
            left.Where(e => !e.SiloAddress.Equals(recentDead.SiloAddress)).Select(e => e.Status).Order());
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_keeps_a_Dead_row_newer_than_the_cut_off()
    {
        await Table.InsertAsync(TestEntries.NewEntry(SiloStatus.Dead).Aged(TimeSpan.FromHours(1)));

        await Table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(1));

        Assert.Single((await Table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_removes_that_cluster_and_no_other()
    {
        var otherClusterId = ClusterId + "-other";
        var other = CreateTable(otherClusterId);
        await other.InitializeMembershipTableAsync(true);
        try
        {
            await Table.InsertAsync(TestEntries.NewEntry());
            await other.InsertAsync(TestEntries.NewEntry());

            await Table.DeleteMembershipTableEntriesAsync(ClusterId);

            Assert.Single((await other.ReadAllAsync()).Members);
            await Table.InitializeMembershipTableAsync(true);
            var data = await Table.ReadAllAsync();
            Assert.Empty(data.Members);
            Assert.Equal(0, data.Version.Version);
        }
        finally
        {
            await other.DeleteMembershipTableEntriesAsync(otherClusterId);
        }
    }
}
