using Orleans;
using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// Runs the membership table contract against <see cref="FileMembershipTable"/>, plus what is
/// particular to it: which time counts for cleanup, a missing table, the file it writes.
/// </summary>
public sealed class FileMembershipTableContractTests : MembershipTableContractTests, IDisposable
{
    private readonly TableDirectory directory = new();

    /// <inheritdoc />
    protected override IMembershipTable CreateTable(string clusterId) => directory.CreateTable(clusterId);

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_recent_suspicion_vote_keeps_a_long_silent_dead_silo_through_cleanup()
    {
        // The silo stopped reporting ten days ago but was only declared dead now: the row is news
        // to the cluster, and the vote time is when it was last written.
        var entry = TestEntries.NewEntry(SiloStatus.Dead).Aged(TimeSpan.FromDays(10));
        entry.AddSuspector(TestEntries.NewSiloAddress(22_222), DateTime.UtcNow);
        await Table.InsertAsync(entry);

        await Table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(3));

        Assert.Single((await Table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_leaves_the_table_version_alone()
    {
        await Table.InsertAsync(TestEntries.NewEntry(SiloStatus.Dead).Aged(TimeSpan.FromDays(10)));
        var before = (await Table.ReadAllAsync()).Version;

        await Table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(3));

        var after = await Table.ReadAllAsync();
        Assert.Empty(after.Members);
        Assert.Equal(before, after.Version);
    }

    [Fact]
    public async Task A_stale_version_from_before_a_delete_does_not_match_the_recreated_table()
    {
        // A silo that read the table before it was re-created must not write into the new one.
        var beforeDelete = (await Table.ReadAllAsync()).Version;

        await Table.DeleteMembershipTableEntriesAsync(ClusterId);
        await Table.InitializeMembershipTableAsync(true);

        Assert.False(await Table.InsertRowAsync(TestEntries.NewEntry(), beforeDelete.Next()));
    }

    [Fact]
    public async Task Operations_on_a_table_that_was_never_created_fail_with_a_clear_message()
    {
        var table = directory.CreateTable("never-created");
        await table.InitializeMembershipTableAsync(false);

        var read = await Assert.ThrowsAsync<InvalidOperationException>(() => table.ReadAllAsync());
        Assert.Contains("never-created", read.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => table.InsertRowAsync(TestEntries.NewEntry(), new TableVersion(1, "x")));
        Assert.False(File.Exists(table.TablePath));
    }

    [Fact]
    public async Task The_table_is_one_readable_json_file_named_after_the_cluster()
    {
        var entry = TestEntries.NewEntry(SiloStatus.Active);
        await Table.InsertAsync(entry);

        var table = (FileMembershipTable)Table;
        Assert.Equal(Path.Combine(directory.Path, $"membership-{ClusterId}.json"), table.TablePath);
        var json = await File.ReadAllTextAsync(table.TablePath);
        Assert.Contains($"\"siloAddress\": \"{entry.SiloAddress.ToParsableString()}\"", json);
        Assert.Contains("\"status\": \"Active\"", json);
    }

    [Fact]
    public void A_cluster_id_that_is_not_a_file_name_stays_inside_the_directory()
    {
        var table = directory.CreateTable("../a/b c");

        Assert.Equal(directory.Path, Path.GetDirectoryName(table.TablePath));
    }
}
