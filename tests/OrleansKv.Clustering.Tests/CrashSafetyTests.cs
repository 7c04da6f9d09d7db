using Orleans.Runtime;

namespace OrleansKv.Clustering.Tests;

/// <summary>
/// What a writer killed mid-write, a damaged file or a stuck lock holder leaves the table in.
/// A kill -9 can stop a writer anywhere before its rename, leaving a partial temp file; the table
/// itself is only replaced by the rename, so it must still read as the last complete version.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly TableDirectory directory = new();
    private readonly string clusterId = "crash-" + Guid.NewGuid().ToString("N")[..8];

    /// <inheritdoc />
    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_torn_temp_file_left_by_a_killed_writer_does_not_corrupt_the_table()
    {
        var table = directory.CreateTable(clusterId);
        await table.InitializeMembershipTableAsync(true);
        var first = TestEntries.NewEntry();
        await table.InsertAsync(first);
        var before = await table.ReadAllAsync();
        var files = directory.Files(clusterId);
        // The first half of a real next version, as a writer killed during its write leaves it.
        var next = await File.ReadAllBytesAsync(files.TablePath);
        await File.WriteAllBytesAsync(files.TempPath, next[..(next.Length / 2)]);

        // A process starting after the crash reads the last complete table...
        var restarted = directory.CreateTable(clusterId);
        await restarted.InitializeMembershipTableAsync(true);
        var after = await restarted.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(first.SiloAddress, Assert.Single(after.Members).Item1.SiloAddress);

        // ...and its next write replaces the junk rather than building on it.
        await restarted.InsertAsync(TestEntries.NewEntry());
        Assert.Equal(2, (await table.ReadAllAsync()).Members.Count);
        Assert.False(File.Exists(files.TempPath));
    }

    [Fact]
    public async Task Writes_leave_no_temp_file_behind()
    {
        var table = directory.CreateTable(clusterId);
        await table.InitializeMembershipTableAsync(true);

        await table.InsertAsync(TestEntries.NewEntry());

        var files = directory.Files(clusterId);
        Assert.True(File.Exists(files.TablePath));
        Assert.False(File.Exists(files.TempPath));
    }

    [Fact]
    public async Task A_table_file_that_is_not_valid_json_is_an_error_not_an_empty_table()
    {
        var table = directory.CreateTable(clusterId);
        await table.InitializeMembershipTableAsync(true);
        await table.InsertAsync(TestEntries.NewEntry(SiloStatus.Active));
        // Our writes cannot produce this (rename is atomic); a disk fault or a hand edit can.
        // Reading it as empty would let a new silo form a second cluster beside the live one.
        await File.WriteAllTextAsync(table.TablePath, "{ \"format\": 1, \"rows\": [ {");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => table.ReadAllAsync());
        Assert.Contains(table.TablePath, error.Message);
        await Assert.ThrowsAsync<InvalidDataException>(() => table.InsertRowAsync(TestEntries.NewEntry(), new(2, "x")));
        await Assert.ThrowsAsync<InvalidDataException>(() => table.InitializeMembershipTableAsync(true));
    }

    [Fact]
    public async Task A_lock_held_too_long_elsewhere_fails_a_write_with_a_timeout_naming_the_lock()
    {
        var table = directory.CreateTable(clusterId, lockTimeout: TimeSpan.FromMilliseconds(300));
        await table.InitializeMembershipTableAsync(true);
        var files = directory.Files(clusterId);

        using (HoldLock(files.LockPath))
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(
                () => table.InsertRowAsync(TestEntries.NewEntry(), new(1, "x"))).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains(files.LockPath, error.Message);

            // Readers take no lock: the table stays readable while a writer is stuck.
            Assert.Empty((await table.ReadAllAsync()).Members);
        }

        await table.InsertAsync(TestEntries.NewEntry());
    }

    [Fact]
    public async Task A_waiting_writer_proceeds_once_the_lock_is_released()
    {
        var table = directory.CreateTable(clusterId, lockTimeout: TimeSpan.FromSeconds(30));
        await table.InitializeMembershipTableAsync(true);
        var version = (await table.ReadAllAsync()).Version.Next();
        var files = directory.Files(clusterId);

        Task<bool> insert;
        using (HoldLock(files.LockPath))
        {
            insert = table.InsertRowAsync(TestEntries.NewEntry(), version);
            Assert.False(insert.IsCompleted, "the insert did not wait for the lock");
        }

        Assert.True(await insert.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task The_lock_of_a_process_that_died_is_free_again()
    {
        var table = directory.CreateTable(clusterId, lockTimeout: TimeSpan.FromSeconds(5));
        await table.InitializeMembershipTableAsync(true);
        var files = directory.Files(clusterId);
        // The lock file outlives its holder (as after kill -9); the lock itself dies with the
        // holder's open handle, which closing models: the kernel closes a dead process's files.
        HoldLock(files.LockPath).Dispose();
        Assert.True(File.Exists(files.LockPath));

        await table.InsertAsync(TestEntries.NewEntry());
    }

    // What another process holding the table lock looks like to this one.
    private static FileStream HoldLock(string lockPath) =>
        new(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
